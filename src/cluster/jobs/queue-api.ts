import type { Job, JobStatus, OpcodeInput } from "./model.js";

/** What the queue holds, for `alkor-cluster queue info` and the metrics. */
export interface QueueInfo {
  drained: boolean;
  counts: Record<JobStatus, number>;
  archiveAfterMs: number;
}

/** Automatic maintenance's switch (`alkor-cluster watcher pause|continue|info`). */
export interface WatcherInfo {
  /** Epoch ms until which the watcher is paused; null when it runs. */
  pausedUntil: number | null;
}

/**
 * The job queue as the operator's interfaces (the RAPI server, the local API
 * behind the alkor-* commands) use it, on any node: writes go through the
 * master, reads are linearizable (they see every change committed before
 * they began). Errors are AlkorErrors with Ganeti's classes: a bad opcode is
 * wrong_input naming the opcode and the field, an unknown job
 * unknown_entity, a drained queue wrong_state.
 */
export interface JobQueueApi {
  /** Checks every opcode against its definition, then queues the job; resolves with its id once committed. */
  submit(ops: readonly OpcodeInput[], options: { priority?: number; submittedBy: string }): Promise<number>;
  get(id: number): Promise<Job>;
  /** Every job not archived yet, by id. */
  list(): Promise<Job[]>;
  /**
   * Long polling (RAPI's /2/jobs/ID/wait, `alkor-job watch`): resolves with
   * the job as soon as its status differs from `known.status` or it has log
   * entries after `known.logSerial`, at once if that is already so; with
   * null when nothing changed within timeoutMs.
   */
  waitForChange(id: number, known: { status: JobStatus | null; logSerial: number }, timeoutMs: number): Promise<Job | null>;
  /** Cancels a queued or waiting job; a running or ended one is wrong_state, with a sentence saying why. */
  cancel(id: number): Promise<Job>;
  /** Archives ended jobs now: the given ids, or all that ended more than `olderThanMs` ago. Resolves with the ids archived. */
  archive(which: { ids: readonly number[] } | { olderThanMs: number }): Promise<number[]>;
  queueInfo(): Promise<QueueInfo>;
  setDrained(drained: boolean): Promise<void>;
  watcherInfo(): Promise<WatcherInfo>;
  /** Pauses the watcher until the given epoch ms, or lets it run again with null. */
  pauseWatcher(until: number | null): Promise<WatcherInfo>;
}
