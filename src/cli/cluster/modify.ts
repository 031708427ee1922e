import type { Command } from "commander";
import { printLines, UsageError } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { runJob } from "../jobs/runner.js";
import { parseDuration, parseInteger } from "../options.js";

interface ModifyOptions extends JobOptions {
  candidatePoolSize?: number;
  jobArchiveAge?: number;
}

export function addClusterModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change the cluster's parameters")
    .option("--candidate-pool-size <n>", "how many nodes to keep as master candidates", parseInteger)
    .option("--job-archive-age <duration>", "archive ended jobs this long after they end (e.g. 6h, 2d)", parseDuration);
  addJobOptions(command).action(async (options: ModifyOptions) => {
    const size = options.candidatePoolSize;
    const archiveAge = options.jobArchiveAge === undefined ? undefined : Math.round(options.jobArchiveAge / 1000);
    if (size === undefined && archiveAge === undefined) throw new UsageError("Nothing to change: give --candidate-pool-size or --job-archive-age.");
    // The opcode's own schema checks the ranges when the job is submitted.
    const op = { OP_ID: "OP_CLUSTER_SET_PARAMS", ...(size === undefined ? {} : { candidate_pool_size: size }), ...(archiveAge === undefined ? {} : { job_archive_age: archiveAge }) };
    const results = await runJob([op], options);
    const changes = [...(size === undefined ? [] : [`candidate pool size ${size}`]), ...(archiveAge === undefined ? [] : [`jobs archived ${archiveAge} s after they end`])];
    if (results !== null) printLines([`Modified the cluster: ${changes.join(", ")}.`]);
  });
}
