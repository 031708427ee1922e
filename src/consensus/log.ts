import type { ConfChange, Configuration, Entry, Snapshot } from "./types.js";

/**
 * The replicated log, indexed from 1, with what the driver has yet to make durable.
 * Entries up to the snapshot's index are compacted away (§7); the snapshot
 * keeps their last index and term for the consistency check. With no
 * snapshot, index 0 is the empty prefix every log shares (term 0).
 */
export class RaftLog {
  private readonly entries: Entry[];
  private snapshot: Snapshot;
  /** Indexes of the configuration entries in the log, ascending (thesis §4.1). */
  private readonly configIndexes: number[] = [];
  /** Lowest index changed since the driver was last handed the unstable entries. */
  private unstableFrom: number;
  /** Highest index the driver may hold, written or still in flight. */
  private driverHolds: number;
  /** Highest index handed to the driver whose entry has not been replaced since. */
  private handedOut: number;
  /** Highest index the driver has confirmed durable. */
  private persistedIndex: number;

  /** `initial` is the configuration of an empty log, used when there is no snapshot. */
  constructor(persisted: readonly Entry[], snapshot?: Snapshot, initial: Configuration = { voters: [], learners: [] }) {
    this.snapshot = snapshot ?? { index: 0, term: 0, ...initial, data: undefined };
    this.entries = persisted.filter((entry) => entry.index > this.snapshot.index);
    for (const entry of this.entries) if (entry.config !== undefined) this.configIndexes.push(entry.index);
    this.driverHolds = this.handedOut = this.persistedIndex = this.lastIndex();
    this.unstableFrom = this.lastIndex() + 1;
  }

  lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** The first index still held as an entry. */
  firstIndex(): number {
    return this.snapshot.index + 1;
  }

  latestSnapshot(): Snapshot {
    return this.snapshot;
  }

  /** The term of the entry at index, or undefined if the log has no such entry or compacted it. */
  term(index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term;
    if (index < this.snapshot.index) return undefined;
    return this.entries[index - this.firstIndex()]?.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1 election restriction: a log is more up-to-date by last term, then by length. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm() || (lastTerm === this.lastTerm() && lastIndex >= this.lastIndex());
  }

  /** Entries with from <= index <= to; from must be after the snapshot. */
  slice(from: number, to: number = this.lastIndex()): Entry[] {
    return this.entries.slice(from - this.firstIndex(), to - this.firstIndex() + 1);
  }

  /** Entries from `from` on, as many as fit in about maxBytes of JSON, and at least one. */
  sliceWithin(from: number, maxBytes: number): Entry[] {
    const entries = this.slice(from);
    if (maxBytes === Infinity) return entries;
    let bytes = 0;
    let count = 0;
    while (count < entries.length) {
      bytes += entrySize(entries[count]!);
      if (count > 0 && bytes > maxBytes) break;
      count += 1;
    }
    return count === entries.length ? entries : entries.slice(0, count);
  }

  /** Thesis §4.1: the latest configuration in the log, committed or not, decides. */
  configuration(): Configuration {
    return this.configurationAt(this.lastIndex());
  }

  /** The index of the latest configuration entry, or the snapshot's index if the log holds none. */
  configIndex(): number {
    return this.configIndexes.at(-1) ?? this.snapshot.index;
  }

  /** The leader's own proposals (§5.3: the leader never overwrites its log). */
  append(term: number, data: unknown): Entry {
    return this.push({ term, index: this.lastIndex() + 1, data });
  }

  /** A configuration entry: the change applied to the latest configuration. */
  appendConfig(term: number, change: ConfChange, next: Configuration): Entry {
    const config = { change, voters: [...next.voters], learners: [...next.learners] };
    return this.push({ term, index: this.lastIndex() + 1, data: null, config });
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
      this.push(entry);
      this.unstableFrom = Math.min(this.unstableFrom, entry.index);
    }
  }

  /** §7: the driver's state machine holds everything up to index, so the entries up to it can go. */
  compact(index: number, data: unknown): Snapshot {
    this.dropPrefix({ index, term: this.term(index)!, ...this.configurationAt(index), data });
    return this.snapshot;
  }

  /** §7 InstallSnapshot receiver rule 7: discard the whole log, which now starts after the snapshot. */
  restore(snapshot: Snapshot): void {
    this.truncateFrom(this.firstIndex());
    this.dropPrefix(snapshot);
  }

  /** The first index of the term of the entry at index (fast backtracking hint). */
  firstIndexOfTerm(index: number): number {
    const term = this.term(index);
    let first = index;
    while (first > this.firstIndex() && this.term(first - 1) === term) first--;
    return first;
  }

  /** The last index holding an entry of term, or 0 if there is none. */
  lastIndexOfTerm(term: number): number {
    for (let index = this.lastIndex(); index >= this.snapshot.index && index > 0; index--) {
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

  private configurationAt(index: number): Configuration {
    const configIndex = this.configIndexes.findLast((i) => i <= index);
    const { voters, learners } =
      configIndex === undefined ? this.snapshot : this.entries[configIndex - this.firstIndex()]!.config!;
    return { voters, learners };
  }

  private dropPrefix(snapshot: Snapshot): void {
    this.entries.splice(0, Math.min(snapshot.index, this.lastIndex()) - this.snapshot.index);
    this.snapshot = snapshot;
    while ((this.configIndexes[0] ?? Infinity) <= snapshot.index) this.configIndexes.shift();
    this.unstableFrom = Math.max(this.unstableFrom, snapshot.index + 1);
  }

  private push(entry: Entry): Entry {
    this.entries.push(entry);
    if (entry.config !== undefined) this.configIndexes.push(entry.index);
    return entry;
  }

  private truncateFrom(index: number): void {
    this.entries.length = index - this.firstIndex();
    while ((this.configIndexes.at(-1) ?? 0) >= index) this.configIndexes.pop();
    this.unstableFrom = Math.min(this.unstableFrom, index);
    this.handedOut = Math.min(this.handedOut, index - 1);
    this.persistedIndex = Math.min(this.persistedIndex, index - 1);
  }
}

/** Entries never change once made, so each one's size is measured once. */
const entrySizes = new WeakMap<Entry, number>();

function entrySize(entry: Entry): number {
  let size = entrySizes.get(entry);
  if (size === undefined) {
    size = JSON.stringify(entry).length;
    entrySizes.set(entry, size);
  }
  return size;
}
