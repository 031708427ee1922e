import { JOBS_PATH, JobSubmitBodySchema } from "../../api/local/contract.js";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { asAlkorError } from "../../model/errors.js";
import { endpointOf, printLines } from "../common.js";
import { requestJson } from "../endpoint.js";
import { cliIo } from "../io.js";
import { jobFailure } from "../jobs/failure.js";
import type { JobOptions } from "../jobs/job-options.js";
import { followJob } from "../jobs/runner.js";

/** One job among several: what it is for (an instance's name) and its opcodes. */
export interface NamedJob {
  name: string;
  ops: OpcodeInput[];
}

export interface JobOutcome {
  name: string;
  jobId: number | null;
  /** The opcodes' results, or null when the job failed or was not submitted. */
  results: unknown[] | null;
}

/**
 * Submits one job per entry and follows them all, as Ganeti's JobExecutor
 * does for batch-create and multi-instance commands: "Submitted jobs 4, 5",
 * then "Waiting for job 4 for NAME ..." and its log, each failure on
 * stderr. With --submit it prints "JOBID: NAME" per job and waits for none.
 * Returns every job's outcome; the caller decides the exit status.
 */
export async function runJobs(jobs: readonly NamedJob[], options: JobOptions): Promise<JobOutcome[]> {
  const endpoint = endpointOf(options);
  const submitted: JobOutcome[] = [];
  for (const job of jobs) {
    try {
      const { jobId } = await requestJson(endpoint, "POST", JOBS_PATH, JobSubmitBodySchema, { ops: job.ops, priority: options.priority });
      submitted.push({ name: job.name, jobId, results: null });
    } catch (error) {
      cliIo().writeErr(`Failed to submit job for ${job.name}: ${asAlkorError(error).message}\n`);
      submitted.push({ name: job.name, jobId: null, results: null });
    }
  }
  const ids = submitted.flatMap((outcome) => (outcome.jobId === null ? [] : [outcome.jobId]));
  if (options.submit) {
    printLines(submitted.filter((outcome) => outcome.jobId !== null).map((outcome) => `${outcome.jobId}: ${outcome.name}`));
    return submitted;
  }
  if (ids.length > 0) printLines([`Submitted jobs ${ids.join(", ")}`]);
  for (const outcome of submitted) {
    if (outcome.jobId === null) continue;
    printLines([`Waiting for job ${outcome.jobId} for ${outcome.name} ...`]);
    const job = await followJob(endpoint, outcome.jobId);
    if (job.status === "success") outcome.results = job.ops.map((op) => op.result);
    else cliIo().writeErr(`Job ${outcome.jobId} for ${outcome.name} has failed: ${jobFailure(job).message}\n`);
  }
  return submitted;
}

/** How many jobs did not succeed (with --submit, only those that could not be submitted). */
export function failedCount(outcomes: readonly JobOutcome[], submitOnly: boolean): number {
  return outcomes.filter((outcome) => outcome.jobId === null || (!submitOnly && outcome.results === null)).length;
}
