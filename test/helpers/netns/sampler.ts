export interface Sample<T> {
  /** Milliseconds since sampling started, when this probe began. */
  atMs: number;
  value: T;
}

export interface Sampler<T> {
  /** Stops sampling and returns every sample, in order; rejects with the error of a probe that failed. */
  stop(): Promise<Array<Sample<T>>>;
}

/**
 * Calls `probe` every `intervalMs` until stopped, for invariants that must hold
 * at every instant of a scenario (never two nodes holding the cluster IP).
 * Ticks are on a fixed schedule from the start; a probe slower than the
 * interval skips the ticks it overran instead of running twice at once.
 * A failing probe ends sampling: an invariant that could not be checked
 * must not pass silently.
 */
export function sampleEvery<T>(intervalMs: number, probe: () => Promise<T>): Sampler<T> {
  const startedAt = Date.now();
  const samples: Array<Sample<T>> = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const loop = (async () => {
    while (!stopped) {
      const atMs = Date.now() - startedAt;
      try {
        samples.push({ atMs, value: await probe() });
      } catch (error) {
        throw new Error(`The probe sampled at ${atMs} ms failed: ${(error as Error).message}`, { cause: error });
      }
      if (stopped) break;
      const nextTick = (Math.floor((Date.now() - startedAt) / intervalMs) + 1) * intervalMs;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, nextTick - (Date.now() - startedAt));
      });
    }
  })();
  // The failure is reported by stop(); until then it must not count as unhandled.
  loop.catch(() => {});

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      return samples;
    },
  };
}
