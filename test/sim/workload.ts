import type { Entry } from "../../src/consensus/index.js";
import { Linearizability } from "./linearizability.js";
import type { SeededRandom } from "./random.js";

/** A client's small cluster-config update: one key set to one value. */
export interface Write {
  readonly id: number;
  readonly key: string;
  readonly value: number;
}

/** A client's read of one key, served by the leader through readIndex() (thesis §6.4). */
export interface Read {
  readonly id: number;
  readonly key: string;
  /** The position in the log the answer must reflect at least (see Linearizability). */
  readonly mustSee: number;
}

const keys = ["cluster-ip", "candidate-pool-size", "master-netdev", "default-hypervisor"];

/**
 * Concurrent clients writing and reading config keys. A write is acknowledged
 * when the node it was proposed to applies it; a read answers once the
 * leader's state machine has applied its read index.
 */
export class Workload {
  /** Acknowledged writes, by id, with their log index. */
  readonly acked = new Map<number, number>();
  proposed = 0;
  /** Reads answered. */
  read = 0;
  private nextId = 1;
  private readonly linearizability = new Linearizability();

  nextWrite(random: SeededRandom): Write {
    const write = { id: this.nextId++, key: random.pick(keys), value: random.int(0, 1000) };
    this.linearizability.writeInvoked(write);
    return write;
  }

  nextRead(random: SeededRandom): Read {
    return { id: this.nextId++, key: random.pick(keys), mustSee: this.linearizability.readInvoked() };
  }

  acknowledge(id: number, index: number): void {
    this.acked.set(id, index);
    this.linearizability.writeAcknowledged(index);
  }

  /** Called for every write any node applies. */
  applied(entry: Entry): void {
    this.linearizability.applied(entry.data as Write, entry.index);
  }

  answered(read: Read, value: number | undefined, position: number): void {
    this.read++;
    this.linearizability.readReturned(read, value, position);
  }
}

export function isWrite(entry: Entry): boolean {
  return entry.data !== null && entry.config === undefined;
}
