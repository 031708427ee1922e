import test from "ava";
import { Simulation, SimulationFailure } from "./simulation.js";

/** 500 seeds per size take about 13 s of one core each; `npm run sim -- --seeds N` runs more. */
const seeds = 500;

for (const nodes of [3, 5]) {
  test(`${seeds} seeded runs of ${nodes} nodes under crashes, partitions, a lossy network, compaction and membership changes keep every invariant`, (t) => {
    const failures: string[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      try {
        new Simulation({ seed, nodes }).run();
      } catch (error) {
        if (!(error instanceof SimulationFailure)) throw error;
        failures.push(error.message);
      }
    }
    t.deepEqual(failures, []);
  });
}
