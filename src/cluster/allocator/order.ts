/** Code-unit order, the same on every machine and locale, so ties between placements break the same way everywhere. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
