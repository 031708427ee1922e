import { parseArgs } from "node:util";
import { Simulation, SimulationFailure, type SimulationResult } from "./simulation.js";

/**
 * node dist/test/sim/main.js --seed N [--nodes 5] [--steps K] [--seeds COUNT]
 * Replays one seeded run exactly, or COUNT consecutive seeds from N; exits 1 on the first failure.
 */
const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    nodes: { type: "string", default: "3" },
    steps: { type: "string", default: "20000" },
    seeds: { type: "string", default: "1" },
  },
});
const first = Number(values.seed);
const nodes = Number(values.nodes);
const steps = Number(values.steps);
const count = Number(values.seeds);
if (![first, nodes, steps, count].every(Number.isSafeInteger) || nodes < 1 || count < 1) {
  console.error("usage: main.js --seed N [--nodes 3] [--steps 20000] [--seeds 1]");
  process.exit(2);
}

for (let seed = first; seed < first + count; seed++) {
  try {
    console.log(summary(new Simulation({ seed, nodes, steps }).run()));
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    console.log(error.trace.join("\n"));
    console.log(error.message);
    console.log(`replay: node dist/test/sim/main.js --seed ${seed} --nodes ${nodes} --steps ${steps}`);
    process.exit(1);
  }
}

function summary(r: SimulationResult): string {
  return (
    `ok seed=${r.seed} nodes=${r.nodes} steps=${r.steps} ticks=${r.ticks} terms=${r.terms} ` +
    `proposed=${r.proposed} acked=${r.acked} reads=${r.reads} crashes=${r.crashes} partitions=${r.partitions} ` +
    `compactions=${r.compactions} reconfigurations=${r.reconfigurations} trace=${r.hash}`
  );
}
