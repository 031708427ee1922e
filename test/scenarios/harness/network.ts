import type { Clock } from "../../../src/host/clock.js";

/**
 * The management network between the nodes: a node's link can be off, and a
 * partition splits the nodes into sides that cannot reach each other. Every
 * message takes the same small delay; one in flight when its path is cut is lost.
 */
export class Network {
  private readonly off = new Set<string>();
  private side = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
    /** Called after every change, so liveness can note when a path was lost. */
    private readonly onChange: () => void,
  ) {}

  reachable(from: string, to: string): boolean {
    if (from === to) return true;
    return !this.off.has(from) && !this.off.has(to) && this.side.get(from) === this.side.get(to);
  }

  setLink(node: string, up: boolean): void {
    if (up) this.off.delete(node);
    else this.off.add(node);
    this.onChange();
  }

  partition(sides: readonly (readonly string[])[]): void {
    this.side = new Map(sides.flatMap((nodes, index) => nodes.map((node) => [node, index] as const)));
    this.onChange();
  }

  heal(): void {
    this.side = new Map();
    this.onChange();
  }

  /** Runs `arrive` after the delay if `to` is still reachable then; false when it is unreachable now. */
  send(from: string, to: string, arrive: () => void): boolean {
    if (!this.reachable(from, to)) return false;
    this.clock.after(this.delayMs, () => {
      if (this.reachable(from, to)) arrive();
    });
    return true;
  }
}

/** What crosses the network is JSON, never an object the sender still holds. */
export function wire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
