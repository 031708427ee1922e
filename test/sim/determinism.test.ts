import test from "ava";
import { Simulation } from "./simulation.js";

for (const nodes of [3, 5]) {
  test(`the same seed replays the identical trace with ${nodes} nodes`, (t) => {
    const first = new Simulation({ seed: 42, nodes }).run();
    const second = new Simulation({ seed: 42, nodes }).run();
    t.deepEqual(second, first);
  });
}

test("different seeds run different traces", (t) => {
  const hashes = new Set([1, 2, 3].map((seed) => new Simulation({ seed }).run().hash));
  t.is(hashes.size, 3);
});
