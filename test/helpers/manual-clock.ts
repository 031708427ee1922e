import type { Clock, Timer } from "../../src/host/clock.js";

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  private time = 1_000_000;
  private timers: Array<{ at: number; every: number | undefined; fn: () => void; cancelled: boolean }> = [];

  now(): number {
    return this.time;
  }

  monotonic(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(ms, undefined, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return this.add(ms, ms, fn);
  }

  /** Timers set and not yet due or cancelled: a test can wait until code under test has set its timer. */
  pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      if (due.every === undefined) due.cancelled = true;
      else due.at += due.every;
      due.fn();
    }
    this.time = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }

  private add(ms: number, every: number | undefined, fn: () => void): Timer {
    const timer = { at: this.time + ms, every, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
}
