import { JobErrorSchema, type Job, type JobLogEntry, type JobOp, type OpcodeInput } from "../../cluster/jobs/model.js";
import { splitTimestamp } from "./ganeti-time.js";
import type { Field, FieldKind, FieldTable } from "./query-fields.js";

/** A job with its opcodes' summaries (which the opcode definitions compute). */
export interface JobRow {
  job: Job;
  summary: string[];
}

export function jobRow(job: Job, summarize: (input: OpcodeInput) => string): JobRow {
  return { job, summary: job.ops.map((op) => summarize(op.input)) };
}

/** The fields of Ganeti's /2/jobs?bulk=1 (rlib2's J_FIELDS_BULK). */
export const BULK_JOB_FIELDS = ["id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts"] as const;
/** The fields of Ganeti's /2/jobs/ID (rlib2's J_FIELDS). */
export const JOB_FIELDS = [...BULK_JOB_FIELDS, "oplog", "opresult"] as const;

/**
 * An opcode's result as Ganeti shows it. A failure is Ganeti's encoded
 * exception, [class, args] (see samples/GET_2_jobs_ID_failed-create.json):
 * ["OpPrereqError", [message, error class]] when a prerequisite check
 * refused it, ["OpExecError", [message]] when its execution failed.
 */
export function ganetiOpResult(op: JobOp): unknown {
  const error = op.status === "error" ? JobErrorSchema.safeParse(op.result) : undefined;
  if (error === undefined || !error.success) return op.result ?? null;
  const { code, message, phase } = error.data;
  return phase === "prerequisites" ? ["OpPrereqError", [message, code]] : ["OpExecError", [message]];
}

/** A log entry as Ganeti shows it: [serial, [seconds, microseconds], type, message]. */
export function ganetiLogEntry(entry: JobLogEntry): [number, [number, number], string, string] {
  return [entry.serial, splitTimestamp(entry.at), entry.type, entry.message];
}

function timestamp(epochMs: number | null): [number, number] | null {
  return epochMs === null ? null : splitTimestamp(epochMs);
}

function field(title: string, kind: FieldKind, doc: string, get: (row: JobRow) => unknown): Field<JobRow> {
  return { title, kind, doc, get };
}

export const JOB_FIELD_TABLE: FieldTable<JobRow> = new Map<string, Field<JobRow>>([
  ["id", field("ID", "number", "Job ID", ({ job }) => job.id)],
  ["status", field("Status", "text", "Job status", ({ job }) => job.status)],
  ["priority", field("Priority", "number", "Current job priority", ({ job }) => job.priority)],
  ["ops", field("OpCodes", "other", "List of all opcodes", ({ job }) => job.ops.map((op) => op.input))],
  ["opresult", field("OpCode_result", "other", "List of opcodes results", ({ job }) => job.ops.map(ganetiOpResult))],
  ["opstatus", field("OpCode_status", "other", "List of opcodes status", ({ job }) => job.ops.map((op) => op.status))],
  ["oplog", field("OpCode_log", "other", "List of opcode output logs", ({ job }) => job.ops.map((op) => op.log.map(ganetiLogEntry)))],
  ["opstart", field("OpCode_start", "other", "List of opcode start timestamps (before acquiring locks)", ({ job }) => job.ops.map((op) => timestamp(op.startedAt)))],
  ["opexec", field("OpCode_exec", "other", "List of opcode execution start timestamps (after acquiring any necessary locks)", ({ job }) => job.ops.map((op) => timestamp(op.execAt)))],
  ["opend", field("OpCode_end", "other", "List of opcode end timestamps", ({ job }) => job.ops.map((op) => timestamp(op.endedAt)))],
  ["received_ts", field("Received", "other", "Timestamp of when job was received", ({ job }) => timestamp(job.receivedAt))],
  ["start_ts", field("Start", "other", "Timestamp of job start", ({ job }) => timestamp(job.startedAt))],
  ["end_ts", field("End", "other", "Timestamp of job end", ({ job }) => timestamp(job.endedAt))],
  ["summary", field("Summary", "other", "List of per-opcode summaries", ({ summary }) => summary)],
]);

/** A job's log entries after `serial`, over all its opcodes, in order. */
export function logEntriesAfter(job: Job, serial: number): Array<ReturnType<typeof ganetiLogEntry>> {
  return job.ops
    .flatMap((op) => op.log)
    .filter((entry) => entry.serial > serial)
    .sort((a, b) => a.serial - b.serial)
    .map(ganetiLogEntry);
}
