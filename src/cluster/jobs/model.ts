import { z } from "zod";

/**
 * Jobs as they live in the replicated cluster state (the manual's "Задания и
 * опкоды"): a job is a list of opcodes run in order; every opcode keeps its
 * input, status, result and log, so any master can show, resume or fail it.
 * Statuses and error classes are Ganeti's.
 */

export const jobStatuses = ["queued", "waiting", "canceling", "running", "canceled", "success", "error"] as const;
export const JobStatusSchema = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** A job that has ended: nothing changes it any more but archiving. */
export function jobEnded(status: JobStatus): boolean {
  return status === "canceled" || status === "success" || status === "error";
}

export const OpStatusSchema = JobStatusSchema;
export type OpStatus = JobStatus;

export const JOB_PRIORITY_MIN = -20;
export const JOB_PRIORITY_MAX = 19;
export const JobPrioritySchema = z.number().int().min(JOB_PRIORITY_MIN).max(JOB_PRIORITY_MAX);

/** One progress message of a job; serials count up across the job's opcodes, from 1. */
export const JobLogEntrySchema = z.object({
  serial: z.number().int().positive(),
  /** Epoch ms, as the master running the opcode saw it. */
  at: z.number().int().nonnegative(),
  type: z.enum(["message", "progress"]),
  message: z.string().max(4096),
});
export type JobLogEntry = z.infer<typeof JobLogEntrySchema>;

/**
 * What a failed opcode reports: an error class, a sentence, and whether it
 * failed its prerequisites (nothing was done: Ganeti's OpPrereqError) or in
 * its steps (OpExecError).
 */
export const JobErrorSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(4096),
  phase: z.enum(["prerequisites", "execution"]).default("execution"),
});
export type JobError = z.infer<typeof JobErrorSchema>;

/** An opcode's input as submitted: OP_ID names its definition, the rest are its parameters (checked by that definition's schema at submission). */
export const MAX_OPS_PER_JOB = 100;

export const OpcodeInputSchema = z.object({ OP_ID: z.string().min(1).max(64) }).passthrough();
export type OpcodeInput = z.infer<typeof OpcodeInputSchema>;

export const JobOpSchema = z.object({
  input: OpcodeInputSchema,
  status: OpStatusSchema,
  /** The opcode's result on success; its error on failure; null before. */
  result: z.unknown(),
  /** Epoch ms: picked up, its steps begun (the start marker of an opcode with side effects), ended. */
  startedAt: z.number().int().nullable(),
  execAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  log: z.array(JobLogEntrySchema),
});
export type JobOp = z.infer<typeof JobOpSchema>;

export const JobSchema = z.object({
  id: z.number().int().positive(),
  priority: JobPrioritySchema,
  status: JobStatusSchema,
  ops: z.array(JobOpSchema).min(1),
  receivedAt: z.number().int().nonnegative(),
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  /** The API user or "cli" (local socket) that submitted it. */
  submittedBy: z.string().max(64),
  /** The last log serial used; the next entry gets one more. */
  logSerial: z.number().int().nonnegative(),
});
export type Job = z.infer<typeof JobSchema>;

/** The queue's switches: a drained queue takes no new jobs (running ones go on). */
export const JobQueueSettingsSchema = z.object({
  drained: z.boolean(),
  /** Jobs that ended longer ago than this are archived (dropped from the cluster state). */
  archiveAfterMs: z.number().int().positive(),
  nextJobId: z.number().int().positive(),
});
export type JobQueueSettings = z.infer<typeof JobQueueSettingsSchema>;

export const defaultJobQueueSettings: JobQueueSettings = { drained: false, archiveAfterMs: 6 * 3600_000, nextJobId: 1 };
