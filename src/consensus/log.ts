import type { Entry } from "./types.js";

/**
 * The replicated log, indexed from 1, with what the driver has yet to make durable.
 * Index 0 is the empty prefix every log shares (term 0).
 */
export class RaftLog {
  private readonly entries: Entry[];
  /** Lowest index changed since the driver was last handed the unstable entries. */
  private unstableFrom: number;
  /** Highest index the driver may hold, written or still in flight. */
  private driverHolds: number;
  /** Highest index handed to the driver whose entry has not been replaced since. */
  private handedOut: number;
  /** Highest index the driver has confirmed durable. */
  private persistedIndex: number;

  constructor(persisted: readonly Entry[]) {
    this.entries = [...persisted];
    this.driverHolds = this.handedOut = this.persistedIndex = this.lastIndex();
    this.unstableFrom = this.lastIndex() + 1;
  }

  lastIndex(): number {
    return this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** The term of the entry at index, or undefined if the log has no such entry. */
  term(index: number): number | undefined {
    if (index === 0) return 0;
    return this.entries[index - 1]?.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1 election restriction: a log is more up-to-date by last term, then by length. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm() || (lastTerm === this.lastTerm() && lastIndex >= this.lastIndex());
  }

  /** Entries with from <= index <= to. */
  slice(from: number, to: number = this.lastIndex()): Entry[] {
    return this.entries.slice(from - 1, to);
  }

  /** The leader's own proposals (§5.3: the leader never overwrites its log). */
  append(term: number, data: unknown): Entry {
    const entry = { term, index: this.lastIndex() + 1, data };
    this.entries.push(entry);
    return entry;
  }

  /**
   * §5.3 AppendEntries receiver rules 3 and 4: delete an existing entry that
   * conflicts with a new one and all that follow it, then append the entries
   * not already in the log. Entries that match are kept, so a stale or
   * reordered message cannot truncate entries a newer one brought.
   */
  appendAfter(entries: readonly Entry[]): void {
    for (const entry of entries) {
      const existing = this.term(entry.index);
      if (existing === entry.term) continue;
      if (existing !== undefined) this.truncateFrom(entry.index);
      this.entries.push(entry);
      this.unstableFrom = Math.min(this.unstableFrom, entry.index);
    }
  }

  /** The first index of the term of the entry at index (fast backtracking hint). */
  firstIndexOfTerm(index: number): number {
    const term = this.term(index);
    let first = index;
    while (first > 1 && this.term(first - 1) === term) first--;
    return first;
  }

  /** The last index holding an entry of term, or 0 if there is none. */
  lastIndexOfTerm(term: number): number {
    for (let index = this.lastIndex(); index > 0; index--) {
      const entryTerm = this.term(index)!;
      if (entryTerm === term) return index;
      if (entryTerm < term) return 0;
    }
    return 0;
  }

  hasUnstable(): boolean {
    return this.unstableFrom <= this.lastIndex();
  }

  /** Hands the changed suffix to the driver; `truncateFrom` is set when it replaces entries already handed out. */
  takeUnstable(): { truncateFrom?: number; entries: Entry[] } {
    const from = this.unstableFrom;
    const entries = this.slice(from);
    const truncate = from <= this.driverHolds;
    this.driverHolds = this.handedOut = this.lastIndex();
    this.unstableFrom = this.lastIndex() + 1;
    return truncate ? { truncateFrom: from, entries } : { entries };
  }

  /** The driver has made everything it was handed durable. */
  markPersisted(): void {
    this.persistedIndex = this.handedOut;
  }

  persisted(): number {
    return this.persistedIndex;
  }

  private truncateFrom(index: number): void {
    this.entries.length = index - 1;
    this.unstableFrom = Math.min(this.unstableFrom, index);
    this.handedOut = Math.min(this.handedOut, index - 1);
    this.persistedIndex = Math.min(this.persistedIndex, index - 1);
  }
}
