import type { Message, NodeId } from "../../src/consensus/index.js";
import type { SeededRandom } from "./random.js";

/** How unreliable the network is; each run draws its own from the seed. */
export interface NetworkFaults {
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** The chance that a message is held back long enough to arrive after later ones. */
  readonly delayRate: number;
  /** Ordinary delivery delay, in time units, drawn from [1, maxDelay]. */
  readonly maxDelay: number;
  readonly longDelay: number;
}

export const reliable: NetworkFaults = { dropRate: 0, duplicateRate: 0, delayRate: 0, maxDelay: 5, longDelay: 5 };

/** Decides each message's fate on send: delivery delays (none when dropped), and which links a partition cuts. */
export class Network {
  faults: NetworkFaults;
  private readonly cut = new Set<string>();

  constructor(
    private readonly random: SeededRandom,
    faults: NetworkFaults,
  ) {
    this.faults = faults;
  }

  /** The delays after which copies of m arrive: none if dropped, two if duplicated. */
  delays(m: Message): number[] {
    if (this.cut.has(link(m.from, m.to)) || this.random.chance(this.faults.dropRate)) return [];
    const copies = this.random.chance(this.faults.duplicateRate) ? 2 : 1;
    return Array.from({ length: copies }, () => this.delay());
  }

  /** A message in flight when its link is cut is lost too. */
  connected(from: NodeId, to: NodeId): boolean {
    return !this.cut.has(link(from, to));
  }

  /** Cuts every link between the two sides. */
  partition(side: readonly NodeId[], rest: readonly NodeId[]): void {
    for (const a of side) {
      for (const b of rest) {
        this.cut.add(link(a, b));
        this.cut.add(link(b, a));
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  private delay(): number {
    const { maxDelay, delayRate, longDelay } = this.faults;
    return this.random.chance(delayRate) ? this.random.int(maxDelay, longDelay + 1) : this.random.int(1, maxDelay + 1);
  }
}

function link(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
