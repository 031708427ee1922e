import { jobEnded, type Job, type JobError, type JobOp } from "../jobs/model.js";
import type { CommandRefusal } from "./apply.js";
import type { ClusterState, JobCommand, ObjectCommand } from "./schema.js";

/** The new state and, for a submission, what the proposer is told (the job's id). */
export type JobTransition = { state: ClusterState; result?: unknown } | CommandRefusal;

/**
 * The job queue's part of the state machine. Every command checks that it
 * still fits the job (an opcode ends once, a start marker is set once), so a
 * command proposed twice, by an old master and a new one, takes effect once.
 */
export function transitionJob(
  state: ClusterState,
  command: JobCommand,
  applyEffect: (state: ClusterState, effect: ObjectCommand) => ClusterState | CommandRefusal,
): JobTransition {
  if (command.kind === "job.submit") {
    if (state.queue.drained) return refuse("wrong_state", "Job queue is drained, refusing job.");
    const id = state.queue.nextJobId;
    const job: Job = {
      id,
      priority: command.priority,
      status: "queued",
      ops: command.ops.map((input) => ({ input, status: "queued", result: null, startedAt: null, execAt: null, endedAt: null, log: [] })),
      receivedAt: command.at,
      startedAt: null,
      endedAt: null,
      submittedBy: command.submittedBy,
      logSerial: 0,
    };
    return { state: { ...withJob(state, job), queue: { ...state.queue, nextJobId: id + 1 } }, result: { jobId: id } };
  }
  if (command.kind === "job.archive") {
    const jobs = { ...state.jobs };
    for (const id of command.ids) {
      const job = jobs[String(id)];
      if (job === undefined) continue;
      if (!jobEnded(job.status)) return refuse("wrong_state", `Job ${id} has not ended (it is ${job.status}); only ended jobs can be archived.`);
      delete jobs[String(id)];
    }
    return { state: { ...state, jobs } };
  }
  const job = state.jobs[String(command.id)];
  if (job === undefined) return refuse("unknown_entity", `Job ${command.id} does not exist or was archived.`);
  if (command.kind === "job.cancel") {
    if (jobEnded(job.status)) return refuse("wrong_state", `Job ${job.id} has already ended (${job.status}); there is nothing to cancel.`);
    if (job.status === "running" || job.ops.some((op) => op.status !== "queued")) {
      return refuse("wrong_state", `Job ${job.id} is already running; only queued and waiting jobs can be canceled.`);
    }
    const ops = job.ops.map((op): JobOp => ({ ...op, status: "canceled", endedAt: command.at }));
    return { state: withJob(state, { ...job, status: "canceled", ops, endedAt: command.at }) };
  }
  if (jobEnded(job.status)) return refuse("wrong_state", `Job ${job.id} has already ended (${job.status}).`);
  if (command.kind === "job.waiting") {
    if (job.status !== "queued") return refuse("wrong_state", `Job ${job.id} is ${job.status}, not queued.`);
    return { state: withJob(state, { ...job, status: "waiting" }) };
  }
  const op = job.ops[command.opIndex];
  if (op === undefined) return refuse("wrong_input", `Job ${job.id} has no opcode ${command.opIndex}.`);
  if (job.ops.slice(0, command.opIndex).some((earlier) => earlier.status !== "success")) {
    return refuse("wrong_state", `Opcode ${command.opIndex} of job ${job.id} cannot run before the opcodes ahead of it have succeeded.`);
  }
  if (jobEnded(op.status) || op.status === "success") return refuse("wrong_state", `Opcode ${command.opIndex} of job ${job.id} has already ended (${op.status}).`);
  switch (command.kind) {
    case "job.opStart": {
      if (op.status !== "queued") return refuse("wrong_state", `Opcode ${command.opIndex} of job ${job.id} was already started.`);
      const started: JobOp = { ...op, status: "running", startedAt: op.startedAt ?? command.at, execAt: command.at };
      return { state: withJob(state, { ...replaceOp(job, command.opIndex, started), status: "running", startedAt: job.startedAt ?? command.at }) };
    }
    case "job.log": {
      const serial = job.logSerial + 1;
      const logged: JobOp = { ...op, log: [...op.log, { serial, at: command.at, type: command.type, message: command.message }] };
      return { state: withJob(state, { ...replaceOp(job, command.opIndex, logged), logSerial: serial }) };
    }
    case "job.opEnd":
      return endOp(state, job, command.opIndex, command, applyEffect);
  }
}

function endOp(
  state: ClusterState,
  job: Job,
  opIndex: number,
  command: Extract<JobCommand, { kind: "job.opEnd" }>,
  applyEffect: (state: ClusterState, effect: ObjectCommand) => ClusterState | CommandRefusal,
): JobTransition {
  const op = job.ops[opIndex]!;
  const times = { startedAt: op.startedAt ?? command.startedAt, execAt: op.execAt ?? command.startedAt, endedAt: command.at };
  const jobStart = job.startedAt ?? command.startedAt;
  const { outcome } = command;
  let error: JobError | null = outcome.ok ? null : outcome.error;
  let after = state;
  if (outcome.ok) {
    // All of an opcode's effects take hold together, or none does and the opcode fails with the reason.
    for (const effect of outcome.effects) {
      const next = applyEffect(after, effect);
      if ("code" in next) {
        error = { ...next, phase: "execution" };
        after = state;
        break;
      }
      after = next;
    }
  }
  if (error !== null) {
    const logged = withLog(job, op, command.log ?? []);
    const failed: JobOp = { ...logged.op, ...times, status: "error", result: error };
    const ops = job.ops.map((other, index): JobOp => {
      if (index === opIndex) return failed;
      if (index < opIndex) return other;
      return { ...other, status: "error", endedAt: command.at, result: { code: "wrong_state", message: `Not run: opcode ${opIndex} failed.`, phase: "prerequisites" } };
    });
    return { state: withJob(state, { ...job, ops, status: "error", startedAt: jobStart, endedAt: command.at, logSerial: logged.serial }) };
  }
  const logged = withLog(job, op, command.log ?? []);
  const done: JobOp = { ...logged.op, ...times, status: "success", result: outcome.ok ? outcome.result : null };
  const last = opIndex === job.ops.length - 1;
  const ended: Job = { ...replaceOp(job, opIndex, done), status: last ? "success" : "running", startedAt: jobStart, endedAt: last ? command.at : null, logSerial: logged.serial };
  return { state: withJob(after, ended) };
}

/** The op with messages appended, numbered on from the job's last serial. */
function withLog(job: Job, op: JobOp, messages: ReadonlyArray<{ at: number; message: string }>): { op: JobOp; serial: number } {
  const entries = messages.map((entry, index) => ({ serial: job.logSerial + index + 1, at: entry.at, type: "message" as const, message: entry.message }));
  return { op: entries.length === 0 ? op : { ...op, log: [...op.log, ...entries] }, serial: job.logSerial + entries.length };
}

function replaceOp(job: Job, index: number, op: JobOp): Job {
  const ops = [...job.ops];
  ops[index] = op;
  return { ...job, ops };
}

function withJob(state: ClusterState, job: Job): ClusterState {
  return { ...state, jobs: { ...state.jobs, [String(job.id)]: job } };
}

function refuse(code: CommandRefusal["code"], message: string): CommandRefusal {
  return { code, message };
}
