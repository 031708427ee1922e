import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface AddressEvent {
  /** Milliseconds since the monitor started. */
  atMs: number;
  node: string;
  change: "added" | "removed";
}

/**
 * Every addition and removal of one address in each node's namespace, as
 * the kernel reports them (`ip monitor address`), so that no overlap of
 * two holders escapes, however short: sampling alone could miss one.
 */
export class AddressMonitor {
  readonly events: AddressEvent[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly startedAt = Date.now();

  constructor(
    private readonly ip: string,
    nodes: ReadonlyArray<{ name: string; namespace: string }>,
  ) {
    const pattern = new RegExp(`^(Deleted )?.*\\binet6? ${ip.replaceAll(".", "\\.")}/`);
    for (const node of nodes) {
      const child = spawn("ip", ["-n", node.namespace, "monitor", "address"], { stdio: ["ignore", "pipe", "ignore"] });
      this.children.push(child);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const match = pattern.exec(line);
        if (match) this.events.push({ atMs: Date.now() - this.startedAt, node: node.name, change: match[1] ? "removed" : "added" });
      });
    }
  }

  stop(): void {
    for (const child of this.children) child.kill();
  }

  /** The moments more than one node held the address, given who held it when the monitor started. */
  overlaps(initialHolders: readonly string[]): string[] {
    const holding = new Set(initialHolders);
    const problems: string[] = [];
    for (const event of this.events) {
      if (event.change === "added") holding.add(event.node);
      else holding.delete(event.node);
      if (holding.size > 1) problems.push(`at ${event.atMs} ms ${this.ip} was on ${[...holding].join(" and ")}`);
    }
    return problems;
  }
}
