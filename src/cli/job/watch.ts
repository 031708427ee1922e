import type { Command } from "commander";
import { AlkorError } from "../../model/errors.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { jobFailure } from "../jobs/failure.js";
import { parseJobIds } from "../jobs/job-options.js";
import { followJob } from "../jobs/runner.js";

export function addJobWatchCommand(program: Command): void {
  const command = program
    .command("watch")
    .description("print a job's log as it runs, until it ends; exit status 1 when it fails")
    .argument("<id>", "the job");
  addEndpointOption(command).action(async (idText: string, options: EndpointOptions) => {
    const [id] = parseJobIds([idText]) as [number];
    // gnt-job watch's header.
    const header = `Output from job ${id} follows`;
    printLines([header, "-".repeat(header.length)]);
    const job = await followJob(endpointOf(options), id);
    if (job.status === "success") return;
    const failure = jobFailure(job);
    throw new AlkorError(failure.code, `Job ${id} failed: ${failure.message}`);
  });
}
