import type { Command } from "commander";
import { printLines, UsageError } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { runJob } from "../jobs/runner.js";
import { parseInteger } from "../options.js";

interface ModifyOptions extends JobOptions {
  candidatePoolSize?: number;
}

export function addClusterModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change the cluster's parameters")
    .option("--candidate-pool-size <n>", "how many nodes to keep as master candidates", parseInteger);
  addJobOptions(command).action(async (options: ModifyOptions) => {
    const size = options.candidatePoolSize;
    if (size === undefined) throw new UsageError("Nothing to change: give --candidate-pool-size.");
    // The opcode's own schema checks the range when the job is submitted.
    const results = await runJob([{ OP_ID: "OP_CLUSTER_SET_PARAMS", candidate_pool_size: size }], options);
    if (results !== null) printLines([`Modified the cluster: candidate pool size ${size}.`]);
  });
}
