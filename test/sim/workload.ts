import type { Entry } from "../../src/consensus/index.js";
import { InvariantViolation } from "./invariant.js";
import type { SeededRandom } from "./random.js";

/** A client's small cluster-config update: one key set to one value. */
export interface Write {
  readonly id: number;
  readonly key: string;
  readonly value: number;
}

const keys = ["cluster-ip", "candidate-pool-size", "master-netdev", "default-hypervisor"];

/**
 * Concurrent clients writing config keys. A write is acknowledged when the
 * node it was proposed to applies it; writes are linearizable when every write
 * is ordered after each write acknowledged before it was proposed.
 */
export class Workload {
  /** Acknowledged writes, by id, with their log index. */
  readonly acked = new Map<number, number>();
  proposed = 0;
  private nextId = 1;
  private lastAckedIndex = 0;
  /** For each write, the highest index acknowledged before it was proposed. */
  private readonly mustFollow = new Map<number, number>();

  next(random: SeededRandom): Write {
    const write = { id: this.nextId++, key: random.pick(keys), value: random.int(0, 1000) };
    this.mustFollow.set(write.id, this.lastAckedIndex);
    return write;
  }

  acknowledge(id: number, index: number): void {
    this.acked.set(id, index);
    this.lastAckedIndex = Math.max(this.lastAckedIndex, index);
  }

  /** Called for every write any node applies. */
  applied(entry: Entry): void {
    const write = entry.data as Write;
    const after = this.mustFollow.get(write.id)!;
    if (entry.index <= after) {
      throw new InvariantViolation(
        "linearizability",
        `write ${write.id} applied at ${entry.index}, but ${after} was acknowledged before it was proposed`,
      );
    }
  }
}

export function isWrite(entry: Entry): boolean {
  return entry.data !== null && entry.config === undefined;
}
