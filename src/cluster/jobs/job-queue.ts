import type { Clock } from "../../host/clock.js";
import { AlkorError } from "../../model/errors.js";
import type { Applied } from "../cluster-service.js";
import type { ClusterCommand, ClusterState } from "../state/schema.js";
import { jobEnded, jobStatuses, JobPrioritySchema, type Job, type JobStatus, type OpcodeInput } from "./model.js";
import { validateJobOps, type OpcodeTable } from "./opcode-input.js";
import type { JobQueueApi, QueueInfo, WatcherInfo } from "./queue-api.js";

/** The cluster as the queue needs it, on any node. */
export interface QueueCluster {
  readonly state: ClusterState;
  /** Commits through the master; resolves once this node has applied the change. */
  propose(command: ClusterCommand): Promise<Applied>;
  /** A linearizable read barrier (thesis §6.4). */
  readBarrier(): Promise<string>;
  /** Resolves once `done` holds after some progress; rejects with a timeout naming `what`. */
  until(done: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

/** The job queue on any node (see JobQueueApi); the master's JobRunner runs what it queues. */
export class JobQueue implements JobQueueApi {
  constructor(
    private readonly cluster: QueueCluster,
    private readonly opcodes: OpcodeTable,
    private readonly clock: Clock,
  ) {}

  async submit(ops: readonly OpcodeInput[], options: { priority?: number; submittedBy: string }): Promise<number> {
    const inputs = validateJobOps(this.opcodes, ops);
    const priority = JobPrioritySchema.safeParse(options.priority ?? 0);
    if (!priority.success) throw new AlkorError("wrong_input", `A job's priority is a whole number from -20 (first) to 19 (last); ${JSON.stringify(options.priority)} is not.`);
    const { result } = await this.cluster.propose({ kind: "job.submit", ops: inputs, priority: priority.data, submittedBy: options.submittedBy.slice(0, 64), at: this.clock.now() });
    return (result as { jobId: number }).jobId;
  }

  async get(id: number): Promise<Job> {
    await this.cluster.readBarrier();
    return this.current(id);
  }

  async list(): Promise<Job[]> {
    await this.cluster.readBarrier();
    return Object.values(this.cluster.state.jobs).sort((a, b) => a.id - b.id);
  }

  async waitForChange(id: number, known: { status: JobStatus | null; logSerial: number }, timeoutMs: number): Promise<Job | null> {
    await this.cluster.readBarrier();
    const changed = (): boolean => {
      const job = this.current(id);
      return job.status !== known.status || job.logSerial > known.logSerial;
    };
    try {
      await this.cluster.until(changed, timeoutMs, `job ${id} to change`);
    } catch (error) {
      if ((error as AlkorError).code === "timeout") return null;
      throw error;
    }
    return this.current(id);
  }

  async cancel(id: number): Promise<Job> {
    await this.cluster.propose({ kind: "job.cancel", id, at: this.clock.now() });
    return this.current(id);
  }

  async archive(which: { ids: readonly number[] } | { olderThanMs: number }): Promise<number[]> {
    await this.cluster.readBarrier();
    const jobs = Object.values(this.cluster.state.jobs);
    const before = "olderThanMs" in which ? this.clock.now() - which.olderThanMs : 0;
    const ids =
      "ids" in which
        ? which.ids.map((id) => this.current(id).id)
        : jobs.filter((job) => jobEnded(job.status) && job.endedAt !== null && job.endedAt < before).map((job) => job.id);
    if (ids.length > 0) await this.cluster.propose({ kind: "job.archive", ids });
    return ids;
  }

  async queueInfo(): Promise<QueueInfo> {
    await this.cluster.readBarrier();
    const { jobs, queue } = this.cluster.state;
    const counts = Object.fromEntries(jobStatuses.map((status) => [status, 0])) as Record<JobStatus, number>;
    for (const job of Object.values(jobs)) counts[job.status] += 1;
    return { drained: queue.drained, counts, archiveAfterMs: queue.archiveAfterMs };
  }

  async setDrained(drained: boolean): Promise<void> {
    await this.cluster.propose({ kind: "queue.modify", changes: { drained } });
  }

  async watcherInfo(): Promise<WatcherInfo> {
    await this.cluster.readBarrier();
    return this.watcherNow();
  }

  async pauseWatcher(until: number | null): Promise<WatcherInfo> {
    if (until !== null && until <= this.clock.now()) throw new AlkorError("wrong_input", "The watcher can only be paused until a time in the future.");
    await this.cluster.propose({ kind: "watcher.pause", until });
    return this.watcherNow();
  }

  /** A pause that has run out is no pause. */
  private watcherNow(): WatcherInfo {
    const { pausedUntil } = this.cluster.state.watcher;
    return { pausedUntil: pausedUntil !== null && pausedUntil > this.clock.now() ? pausedUntil : null };
  }

  private current(id: number): Job {
    const job = this.cluster.state.jobs[String(id)];
    if (job === undefined) throw new AlkorError("unknown_entity", `Job ${id} does not exist or was archived.`, { job: id });
    return job;
  }
}
