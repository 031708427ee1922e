import { randomInt, randomUUID } from "node:crypto";

/** Randomness as logic sees it; the simulator substitutes a seeded source. */
export interface Random {
  uuid(): string;
  /** An integer in [min, max). */
  int(min: number, max: number): number;
}

export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  int: (min, max) => randomInt(min, max),
};
