/** A cancellable timer handle returned by the Clock. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as logic sees it. Logic never calls Date.now() or setTimeout()
 * directly, so the simulator can drive it with virtual time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Milliseconds from an arbitrary origin that never goes backwards. */
  monotonic(): number;
  after(ms: number, fn: () => void): Timer;
  every(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, fn) {
    const handle = setInterval(fn, ms);
    return { cancel: () => clearInterval(handle) };
  },
};

