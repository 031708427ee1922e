import type { Job, JobError, JobOp, JobStatus, OpcodeInput } from "../../../../src/cluster/jobs/model.js";
import { jobEnded } from "../../../../src/cluster/jobs/model.js";
import type { JobQueueApi, QueueInfo, WatcherInfo } from "../../../../src/cluster/jobs/queue-api.js";
import { AlkorError } from "../../../../src/model/errors.js";

/** Tue Nov 24 14:00:00 2026 UTC: the fake queue's clock starts here and moves one second per event. */
export const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

/** How a scripted job ends: its log messages, then success with results, or an error of one opcode. */
export type JobOutcome =
  | { log?: string[]; status: "success"; results?: unknown[] }
  | { log?: string[]; status: "error"; error: JobError; opIndex?: number };

export interface Submission {
  ops: OpcodeInput[];
  priority: number | undefined;
  submittedBy: string;
}

export interface WaitCall {
  id: number;
  status: JobStatus | null;
  logSerial: number;
  timeoutMs: number;
}

/** A queued job of the given opcodes, as the queue stores a fresh submission. */
export function queuedJob(id: number, ops: readonly OpcodeInput[], receivedAt: number, priority = 0, submittedBy = "cli"): Job {
  const jobOps: JobOp[] = ops.map((input) => ({ input, status: "queued", result: null, startedAt: null, execAt: null, endedAt: null, log: [] }));
  return { id, priority, status: "queued", ops: jobOps, receivedAt, startedAt: null, endedAt: null, submittedBy, logSerial: 0 };
}

/**
 * An in-memory JobQueueApi for tests of the HTTP layer and the CLI: it
 * records what it is asked, runs nothing by itself, and lets a test move a
 * job along (log, finish) while clients long-poll it. With a script, a job
 * ends as the script says the moment it is submitted.
 */
export class FakeJobQueue implements JobQueueApi {
  readonly submissions: Submission[] = [];
  readonly waits: WaitCall[] = [];
  drained = false;
  pausedUntil: number | null = null;
  private readonly jobs = new Map<number, Job>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  private at = T0;

  constructor(private readonly options: { script?: (ops: OpcodeInput[]) => JobOutcome; archiveAfterMs?: number } = {}) {}

  /** Puts a job in the queue as it is, for list and info tests. */
  seed(job: Job): void {
    this.jobs.set(job.id, job);
    this.nextId = Math.max(this.nextId, job.id + 1);
  }

  job(id: number): Job {
    const job = this.jobs.get(id);
    if (job === undefined) throw new AlkorError("unknown_entity", `Job ${id} is not known.`);
    return job;
  }

  /** Adds a message to the job's log, starting the job (and its first opcode that has not ended) if need be. */
  log(id: number, message: string): void {
    const job = this.job(id);
    const index = job.ops.findIndex((op) => !jobEnded(op.status) && op.status !== "success");
    const serial = job.logSerial + 1;
    const at = this.tick();
    const ops = job.ops.map((op, i): JobOp =>
      i === index ? { ...op, status: "running", startedAt: op.startedAt ?? at, execAt: op.execAt ?? at, log: [...op.log, { serial, at, type: "message", message }] } : op,
    );
    this.update({ ...job, status: "running", startedAt: job.startedAt ?? at, ops, logSerial: serial });
  }

  /** Ends the job as the outcome says (its log first). */
  finish(id: number, outcome: JobOutcome): void {
    for (const message of outcome.log ?? []) this.log(id, message);
    const job = this.job(id);
    const at = this.tick();
    const failedAt = outcome.status === "error" ? (outcome.opIndex ?? 0) : -1;
    const ops = job.ops.map((op, index): JobOp => {
      const times = { startedAt: op.startedAt ?? at, execAt: op.execAt ?? at, endedAt: at };
      if (outcome.status === "success") return { ...op, ...times, status: "success", result: outcome.results?.[index] ?? null };
      if (index < failedAt) return { ...op, ...times, status: "success" };
      return index === failedAt ? { ...op, ...times, status: "error", result: outcome.error } : { ...op, status: "error", result: outcome.error, endedAt: at };
    });
    this.update({ ...job, status: outcome.status, ops, startedAt: job.startedAt ?? at, endedAt: at });
  }

  async submit(ops: readonly OpcodeInput[], options: { priority?: number; submittedBy: string }): Promise<number> {
    this.submissions.push({ ops: [...ops], priority: options.priority, submittedBy: options.submittedBy });
    if (this.drained) throw new AlkorError("wrong_state", "The job queue is drained; it takes no new jobs.");
    const id = this.nextId++;
    this.jobs.set(id, queuedJob(id, ops, this.tick(), options.priority, options.submittedBy));
    if (this.options.script) this.finish(id, this.options.script([...ops]));
    return id;
  }

  async get(id: number): Promise<Job> {
    return this.job(id);
  }

  async list(): Promise<Job[]> {
    return [...this.jobs.values()];
  }

  waitForChange(id: number, known: { status: JobStatus | null; logSerial: number }, timeoutMs: number): Promise<Job | null> {
    this.waits.push({ id, ...known, timeoutMs });
    const changed = (job: Job): boolean => job.status !== known.status || job.logSerial > known.logSerial;
    const job = this.job(id);
    if (changed(job)) return Promise.resolve(job);
    return new Promise((resolve) => {
      const check = (): void => {
        const current = this.job(id);
        if (!changed(current)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(current);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        resolve(null);
      }, timeoutMs);
      // A client that went away must not keep the test process alive.
      timer.unref();
      this.listeners.add(check);
    });
  }

  async cancel(id: number): Promise<Job> {
    const job = this.job(id);
    if (job.status === "queued") this.update({ ...job, status: "canceled", endedAt: this.tick(), ops: job.ops.map((op) => ({ ...op, status: "canceled" })) });
    else if (job.status === "waiting") this.update({ ...job, status: "canceling" });
    else throw new AlkorError("wrong_state", `Job ${id} is ${job.status}; only a queued or waiting job can be canceled.`);
    return this.job(id);
  }

  async archive(which: { ids: readonly number[] } | { olderThanMs: number }): Promise<number[]> {
    const ended = [...this.jobs.values()].filter((job) => jobEnded(job.status));
    const chosen = "ids" in which ? ended.filter((job) => which.ids.includes(job.id)) : ended.filter((job) => this.at - job.endedAt! >= which.olderThanMs);
    for (const job of chosen) this.jobs.delete(job.id);
    return chosen.map((job) => job.id);
  }

  async queueInfo(): Promise<QueueInfo> {
    const counts: QueueInfo["counts"] = { queued: 0, waiting: 0, canceling: 0, running: 0, canceled: 0, success: 0, error: 0 };
    for (const job of this.jobs.values()) counts[job.status] += 1;
    return { drained: this.drained, counts, archiveAfterMs: this.options.archiveAfterMs ?? 6 * 3600_000 };
  }

  async setDrained(drained: boolean): Promise<void> {
    this.drained = drained;
  }

  async watcherInfo(): Promise<WatcherInfo> {
    return { pausedUntil: this.pausedUntil };
  }

  async pauseWatcher(until: number | null): Promise<WatcherInfo> {
    this.pausedUntil = until;
    return { pausedUntil: until };
  }

  private tick(): number {
    this.at += 1000;
    return this.at;
  }

  private update(job: Job): void {
    this.jobs.set(job.id, job);
    for (const listener of [...this.listeners]) listener();
  }
}
