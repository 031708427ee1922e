/** Ganeti's split timestamp, [seconds, microseconds], of an epoch-ms time. */
export function splitTimestamp(epochMs: number): [number, number] {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, (epochMs - seconds * 1000) * 1000];
}

/** Ganeti's ctime/mtime: epoch seconds as a float. */
export function epochSeconds(epochMs: number): number {
  return epochMs / 1000;
}
