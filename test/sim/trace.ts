import { createHash } from "node:crypto";

/** The run's event trace: hashed as it grows, with the latest lines kept to print on failure. */
export class Trace {
  private readonly hash = createHash("sha256");
  private readonly recent: string[] = [];

  constructor(private readonly keep = 30) {}

  record(line: string): void {
    this.hash.update(line).update("\n");
    this.recent.push(line);
    if (this.recent.length > this.keep) this.recent.shift();
  }

  tail(): readonly string[] {
    return this.recent;
  }

  /** The first 16 hex digits of the sha256 of every line; ends the trace. */
  digest(): string {
    return this.hash.digest("hex").slice(0, 16);
  }
}
