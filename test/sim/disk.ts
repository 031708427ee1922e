import type { Entry, HardState, PersistentState, Ready } from "../../src/consensus/index.js";
import { InvariantViolation } from "./invariant.js";

/** A node's simulated durable storage: all that survives a crash. */
export class Disk {
  hardState: HardState = { term: 0, votedFor: null, commit: 0 };
  entries: Entry[] = [];

  /** Makes ready.persist durable (the simulator never compacts, so there is no snapshot). Returns the entries it removed. */
  write(persist: Ready["persist"]): Entry[] {
    if (persist.snapshot !== undefined) throw new Error("the simulator does not compact, yet a snapshot was persisted");
    let removed: Entry[] = [];
    if (persist.truncateFrom !== undefined) {
      removed = this.entries.slice(persist.truncateFrom - 1);
      this.entries.length = Math.min(this.entries.length, persist.truncateFrom - 1);
    }
    for (const entry of persist.entries) {
      if (entry.index !== this.entries.length + 1) {
        throw new InvariantViolation("log continuity", `persisted entry ${entry.index} after ${this.entries.length}`);
      }
      this.entries.push(entry);
    }
    if (persist.hardState !== undefined) this.hardState = persist.hardState;
    return removed;
  }

  read(): PersistentState {
    return { hardState: this.hardState, entries: [...this.entries] };
  }

  /** What the disk holds after a restart: as written, unless the run simulates a broken recovery. */
  recover(recovery: (state: PersistentState) => PersistentState): PersistentState {
    const state = recovery(this.read());
    this.hardState = state.hardState;
    this.entries = [...state.entries];
    return state;
  }
}
