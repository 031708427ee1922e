import type { Random } from "../../../src/host/random.js";
import { SeededRandom } from "../../sim/random.js";

/** The Random port over the simulator's splitmix32: one seed, every node's elections and UUIDs. */
export function seededRandom(seed: number): Random {
  const source = new SeededRandom(seed);
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => source.int(0, 16).toString(16)).join("");
  return {
    int: (min, max) => source.int(min, max),
    // RFC 9562 version 4, variant 10xx: what zod's uuid() accepts.
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${source.pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`,
  };
}
