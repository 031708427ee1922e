import type { Entry, HardState, PersistentState, Ready, Snapshot } from "../../src/consensus/index.js";
import { InvariantViolation } from "./invariant.js";

/** A node's simulated durable storage: all that survives a crash. */
export class Disk {
  hardState: HardState = { term: 0, votedFor: null, commit: 0 };
  snapshot: Snapshot | undefined;
  /** The entries after the snapshot, contiguous. */
  entries: Entry[] = [];

  snapshotIndex(): number {
    return this.snapshot?.index ?? 0;
  }

  lastIndex(): number {
    return this.snapshotIndex() + this.entries.length;
  }

  /** The entry at index, undefined if compacted or absent. */
  entry(index: number): Entry | undefined {
    return index > this.snapshotIndex() ? this.entries[index - this.snapshotIndex() - 1] : undefined;
  }

  /** The term at index: the snapshot's at its index, 0 before any entry. */
  term(index: number): number | undefined {
    if (index === this.snapshotIndex()) return this.snapshot?.term ?? 0;
    return this.entry(index)?.term;
  }

  /**
   * Makes ready.persist durable in the order Ready prescribes. Returns the
   * entries it truncated; those a snapshot covers are compacted, not lost.
   */
  write(persist: Ready["persist"]): Entry[] {
    const { snapshot, truncateFrom } = persist;
    if (snapshot !== undefined) {
      this.entries = this.entries.slice(snapshot.index - this.snapshotIndex());
      this.snapshot = snapshot;
    }
    let removed: Entry[] = [];
    if (truncateFrom !== undefined) {
      const keep = Math.max(0, truncateFrom - this.snapshotIndex() - 1);
      removed = this.entries.slice(keep);
      this.entries.length = Math.min(this.entries.length, keep);
    }
    for (const entry of persist.entries) {
      if (entry.index !== this.lastIndex() + 1) {
        throw new InvariantViolation("log continuity", `persisted entry ${entry.index} after ${this.lastIndex()}`);
      }
      this.entries.push(entry);
    }
    if (persist.hardState !== undefined) this.hardState = persist.hardState;
    return removed;
  }

  read(): PersistentState {
    return {
      hardState: this.hardState,
      entries: [...this.entries],
      ...(this.snapshot === undefined ? {} : { snapshot: this.snapshot }),
    };
  }

  /** What the disk holds after a restart: as written, unless the run simulates a broken recovery. */
  recover(recovery: (state: PersistentState) => PersistentState): PersistentState {
    const state = recovery(this.read());
    this.hardState = state.hardState;
    this.snapshot = state.snapshot;
    this.entries = [...state.entries];
    return state;
  }
}
