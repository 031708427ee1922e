import { createHash } from "node:crypto";

/** The run's event trace: hashed as it grows, with the latest lines kept to print on failure. */
export class Trace {
  private readonly hash = createHash("sha256");
  /** Lines not hashed yet: hashing them in batches costs a fraction of one call per line. */
  private pending = "";
  /** The latest lines, as a ring from recorded % keep. */
  private readonly recent: string[] = [];
  private recorded = 0;

  constructor(private readonly keep = 30) {}

  record(line: string): void {
    this.pending += `${line}\n`;
    if (this.pending.length > 65536) this.flush();
    this.recent[this.recorded++ % this.keep] = line;
  }

  tail(): readonly string[] {
    const start = this.recorded % this.keep;
    return [...this.recent.slice(start), ...this.recent.slice(0, start)];
  }

  /** The first 16 hex digits of the sha256 of every line; ends the trace. */
  digest(): string {
    this.flush();
    return this.hash.digest("hex").slice(0, 16);
  }

  private flush(): void {
    this.hash.update(this.pending);
    this.pending = "";
  }
}
