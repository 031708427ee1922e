import type { Clock, Timer } from "../../../src/host/clock.js";

/** Whose timers these are: when a node crashes, none of its timers fires again. */
export interface Owner {
  readonly alive: boolean;
}

interface Pending {
  at: number;
  seq: number;
  readonly every: number | undefined;
  readonly fn: () => void;
  readonly owner: Owner;
  cancelled: boolean;
}

/** Virtual epoch of every scenario, so nothing depends on the host's date. */
const epochMs = Date.UTC(2030, 0, 1);

/**
 * One virtual time for every node. Timers due at the same instant fire in
 * the order they were set, so a run depends on nothing but its seed.
 */
export class VirtualClock {
  private time = 0;
  private seq = 0;
  private queue: Pending[] = [];

  /** Milliseconds since the scenario started. */
  get elapsed(): number {
    return this.time;
  }

  /** A node's view of the clock. */
  view(owner: Owner): Clock {
    return {
      now: () => epochMs + this.time,
      monotonic: () => this.time,
      after: (ms, fn) => this.add(ms, undefined, fn, owner),
      every: (ms, fn) => this.add(ms, ms, fn, owner),
    };
  }

  /** Fires the earliest timer due by `until` and returns true; else moves time to `until` and returns false. */
  fireNext(until: number): boolean {
    for (;;) {
      const next = this.queue[0];
      if (next === undefined || next.at > until) {
        this.time = until;
        return false;
      }
      this.queue.shift();
      if (next.cancelled || !next.owner.alive) continue;
      this.time = next.at;
      if (next.every !== undefined) {
        next.at += next.every;
        next.seq = this.seq++;
        this.insert(next);
      }
      next.fn();
      return true;
    }
  }

  private add(ms: number, every: number | undefined, fn: () => void, owner: Owner): Timer {
    const pending: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, every, fn, owner, cancelled: false };
    this.insert(pending);
    return { cancel: () => (pending.cancelled = true) };
  }

  private insert(pending: Pending): void {
    let i = this.queue.length;
    while (i > 0 && precedes(pending, this.queue[i - 1]!)) i--;
    this.queue.splice(i, 0, pending);
  }
}

function precedes(a: Pending, b: Pending): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
