import type { z } from "zod";
import { JOB_WAIT_MAX_MS, JOBS_PATH, JobSubmitBodySchema, jobWaitPath, JobWaitBodySchema } from "../../api/local/contract.js";
import { jobEnded, type Job, type JobLogEntry, type JobStatus, type OpcodeInput } from "../../cluster/jobs/model.js";
import { AlkorError } from "../../model/errors.js";
import { endpointOf, printLines } from "../common.js";
import { getJson, requestJson, type Endpoint } from "../endpoint.js";
import { ctimeText } from "../time-format.js";
import { jobFailure } from "./failure.js";
import type { JobOptions } from "./job-options.js";

/** How long an HTTP request may take beyond a long poll's own wait before the CLI gives up on the agent. */
const WAIT_MARGIN_MS = 15_000;

/** A job log line as Ganeti's CLI prints it while polling: the time (ctime) and the message. */
function formatLogEntry(entry: JobLogEntry): string {
  return `${ctimeText(entry.at)} ${entry.message}`;
}

/**
 * Follows a job to its end (Ganeti's cli.PollJob): long-polls the agent,
 * prints every log entry once, in serial order, as it arrives, and returns
 * the ended job.
 */
export async function followJob(endpoint: Endpoint, id: number): Promise<Job> {
  let known: { status: JobStatus | null; logSerial: number } = { status: null, logSerial: 0 };
  for (;;) {
    const { job } = await getJson(endpoint, jobWaitPath(id, known, JOB_WAIT_MAX_MS), JobWaitBodySchema, JOB_WAIT_MAX_MS + WAIT_MARGIN_MS);
    if (job === null) continue;
    const fresh = job.ops.flatMap((op) => op.log).filter((entry) => entry.serial > known.logSerial);
    printLines(fresh.sort((a, b) => a.serial - b.serial).map(formatLogEntry));
    known = { status: job.status, logSerial: Math.max(known.logSerial, job.logSerial) };
    if (jobEnded(job.status)) return job;
  }
}

/** The results of a job's opcodes if it succeeded; its failure, as Ganeti words it, otherwise. */
function jobResults(job: Job): unknown[] {
  if (job.status !== "success") throw jobFailure(job);
  return job.ops.map((op) => op.result);
}

/**
 * Submits the opcodes as one job. With --submit, prints its ID as Ganeti
 * does ("JobID: 42") and returns null; otherwise follows it and returns the
 * opcodes' results, or throws its failure (exit status 1).
 */
export async function runJob(ops: OpcodeInput[], options: JobOptions): Promise<unknown[] | null> {
  const endpoint = endpointOf(options);
  const { jobId } = await requestJson(endpoint, "POST", JOBS_PATH, JobSubmitBodySchema, { ops, priority: options.priority });
  if (options.submit) {
    printLines([`JobID: ${jobId}`]);
    return null;
  }
  return jobResults(await followJob(endpoint, jobId));
}

/** An opcode's result checked against the shape the command expects. */
export function opResult<T>(schema: z.ZodType<T>, result: unknown, opId: string): T {
  const parsed = schema.safeParse(result);
  if (parsed.success) return parsed.data;
  throw new AlkorError("internal_error", `The result of ${opId} is not in the expected form. Are alkord and the CLI the same version?`);
}
