import { UsageError } from "../common.js";

const MIB_PER_UNIT: Readonly<Record<string, number>> = { m: 1, mb: 1, mib: 1, g: 1024, gb: 1024, gib: 1024, t: 1024 * 1024, tb: 1024 * 1024, tib: 1024 * 1024 };

/**
 * A size as Ganeti's utils.ParseUnit reads it: a number with an optional
 * unit (M, G, T, also MB/MiB...; none means MiB), in MiB rounded up to the
 * next multiple of 4, as Ganeti rounds every disk and memory size.
 * `what` names the option for the error ("--disk 0", "-B maxmem").
 */
export function parseSize(value: string | number, what: string): number {
  const match = /^(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]+)?$/.exec(String(value).trim());
  const perUnit = match === null ? undefined : MIB_PER_UNIT[(match[2] ?? "m").toLowerCase()];
  if (match === null || perUnit === undefined) {
    throw new UsageError(`Invalid size ${JSON.stringify(String(value))} for ${what}: expected MiB or a number with M, G or T, such as 512M, 10G or 1T.`);
  }
  const mib = Math.ceil(Number(match[1]) * perUnit);
  const rounded = Math.ceil(mib / 4) * 4;
  if (rounded < 1 || !Number.isSafeInteger(rounded)) throw new UsageError(`Invalid size ${JSON.stringify(String(value))} for ${what}: it must be more than 0.`);
  return rounded;
}
