import type { Command } from "commander";
import { JOBS_PATH, JobListBodySchema } from "../../api/local/contract.js";
import type { Job, JobStatus } from "../../cluster/jobs/model.js";
import { AlkorError } from "../../model/errors.js";
import { addListOptions, columnsOf, endpointOf, printJson, printLines, type ListOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { parseJobIds } from "../jobs/job-options.js";
import { jobSummary } from "../../cluster/jobs/summary.js";
import { formatTable, type Column } from "../table.js";
import { timestampText } from "../time-format.js";

/** An instant a job may not have reached yet: "?" then, Ganeti's mark for an unknown time. */
function timeOrUnknown(epochMs: number | null): string {
  return epochMs === null ? "?" : timestampText(epochMs);
}

/** gnt-job list's fields, with its names and titles. */
export const JOB_COLUMNS: readonly Column<Job>[] = [
  { name: "id", title: "ID", kind: "number", value: (job) => job.id },
  { name: "status", title: "Status", kind: "text", value: (job) => job.status },
  { name: "priority", title: "Priority", kind: "number", value: (job) => job.priority },
  { name: "summary", title: "Summary", kind: "text", value: jobSummary },
  { name: "received_ts", title: "Received", kind: "text", value: (job) => timestampText(job.receivedAt) },
  { name: "start_ts", title: "Start", kind: "text", value: (job) => timeOrUnknown(job.startedAt) },
  { name: "end_ts", title: "End", kind: "text", value: (job) => timeOrUnknown(job.endedAt) },
  { name: "opstatus", title: "OpCode_status", kind: "text", value: (job) => job.ops.map((op) => op.status).join(",") },
];

export const DEFAULT_JOB_FIELDS = ["id", "status", "summary"] as const;

/** gnt-job list's status filters (constants.JOBS_PENDING, JOBS_FINALIZED); given together, a job matching any is shown. */
const STATUS_FILTERS = [
  { key: "running", description: "only running jobs", statuses: ["running"] },
  { key: "pending", description: "only jobs waiting to run: queued, waiting for locks, being canceled", statuses: ["queued", "waiting", "canceling"] },
  { key: "error", description: "only failed jobs", statuses: ["error"] },
  { key: "finished", description: "only jobs that have ended", statuses: ["canceled", "success", "error"] },
] as const satisfies ReadonlyArray<{ key: string; description: string; statuses: readonly JobStatus[] }>;

type JobListOptions = ListOptions & Partial<Record<(typeof STATUS_FILTERS)[number]["key"], boolean>>;

/** The jobs named, in the order given, or all of them by ID; then only those of the statuses asked for. */
function selectJobs(jobs: readonly Job[], ids: readonly number[], statuses: ReadonlySet<JobStatus> | null): Job[] {
  const unknown = ids.filter((id) => !jobs.some((job) => job.id === id));
  if (unknown.length > 0) throw new AlkorError("unknown_entity", `Unknown job${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`);
  const chosen = ids.length === 0 ? jobs.toSorted((a, b) => a.id - b.id) : ids.map((id) => jobs.find((job) => job.id === id)!);
  return statuses === null ? chosen : chosen.filter((job) => statuses.has(job.status));
}

export function addJobListCommand(program: Command): void {
  const command = program
    .command("list")
    .description("list the jobs not archived yet, one per line")
    .argument("[ids...]", "only these jobs");
  for (const filter of STATUS_FILTERS) command.option(`--${filter.key}`, filter.description);
  addListOptions(command, JOB_COLUMNS, DEFAULT_JOB_FIELDS).action(async (idTexts: string[], options: JobListOptions) => {
    const ids = parseJobIds(idTexts);
    const columns = columnsOf(JOB_COLUMNS, DEFAULT_JOB_FIELDS, options);
    const filters = STATUS_FILTERS.filter((filter) => options[filter.key] === true);
    const statuses = filters.length === 0 ? null : new Set<JobStatus>(filters.flatMap((filter) => filter.statuses));
    const { jobs } = await getJson(endpointOf(options), JOBS_PATH, JobListBodySchema);
    const selected = selectJobs(jobs, ids, statuses);
    if (options.json) printJson(selected);
    else printLines(formatTable(columns, selected, options));
  });
}
