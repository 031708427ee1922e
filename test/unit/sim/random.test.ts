import test from "ava";
import { SeededRandom } from "../../sim/random.js";

test("the same seed draws the same sequence, another seed a different one", (t) => {
  const draw = (seed: number) => {
    const random = new SeededRandom(seed);
    return Array.from({ length: 5 }, () => random.int(0, 1_000_000));
  };
  t.deepEqual(draw(7), draw(7));
  t.notDeepEqual(draw(7), draw(8));
});

test("int stays within [min, max) and reaches both ends", (t) => {
  const random = new SeededRandom(1);
  const seen = new Set(Array.from({ length: 1000 }, () => random.int(3, 6)));
  t.deepEqual([...seen].sort(), [3, 4, 5]);
});

test("shuffle permutes without losing or repeating items", (t) => {
  const shuffled = new SeededRandom(2).shuffle([1, 2, 3, 4, 5, 6]);
  t.deepEqual([...shuffled].sort(), [1, 2, 3, 4, 5, 6]);
});
