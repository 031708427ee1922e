import type { Logger } from "pino";
import type { Service } from "../../agent/lifecycle.js";
import type { Clock, Timer } from "../../host/clock.js";
import { AlkorError, asAlkorError } from "../../model/errors.js";
import type { Applied } from "../cluster-service.js";
import type { LockRequest, OpcodeContext, OpcodeServices } from "../opcodes/definition.js";
import type { ClusterCommand, ClusterState, OpEnd } from "../state/schema.js";
import { LockManager } from "./locks.js";
import { jobEnded, type Job } from "./model.js";
import { parseOpcode, type OpcodeTable } from "./opcode-input.js";

/** The master's side of the cluster, as the runner needs it. */
export interface RunnerCluster {
  readonly state: ClusterState;
  /** True once this node leads and has applied everything committed before its term: only then is the state it sees complete. */
  masterReady(): boolean;
  /** The term this node leads in, or null when it does not lead: work begun in a term may go on while the term lasts. */
  leaderTerm(): number | null;
  proposeLocal(command: ClusterCommand): Promise<Applied>;
}

export interface JobRunnerOptions {
  cluster: RunnerCluster;
  opcodes: OpcodeTable;
  services: OpcodeServices;
  selfName: string;
  /** Jobs running at once; more wait in the queue. */
  maxRunningJobs: number;
  archiveCheckMs: number;
  clock: Clock;
  log: Logger;
  /** Told every opcode that ended here, for the metrics. */
  onOpcodeEnded?(opId: string, durationMs: number, status: "success" | "error"): void;
}

/** Thrown when this node stopped being the master while running an opcode: the new master takes over the job. */
class LostMastership extends Error {}

/** An opcode that failed before doing anything: its input or its prerequisites. */
class PrerequisiteFailure extends AlkorError {}

function prerequisite<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    const failure = asAlkorError(error);
    throw new PrerequisiteFailure(failure.code, failure.message, failure.details);
  }
}

/**
 * Runs the queue's jobs while this node is the master. Each opcode gets its
 * locks, passes its checks, runs, and ends in one committed entry with its
 * effects; an opcode with side effects commits a start marker first. A new
 * master picks every unfinished job up from the state: from its next opcode,
 * or, when an opcode with side effects was started and not ended, by failing
 * the job, because running those steps again could do them twice.
 */
export class JobRunner implements Service {
  readonly name = "jobs";
  private readonly locks = new LockManager();
  /** Jobs with an opcode running on this node, with the term it was started in. */
  private readonly active = new Map<number, number>();
  /** Jobs already marked waiting, so the marker is proposed once. */
  private readonly markedWaiting = new Set<number>();
  private scheduled = false;
  private leading = false;
  private archiveTimer: Timer | undefined;
  private archiving = false;

  constructor(private readonly options: JobRunnerOptions) {}

  async start(): Promise<void> {
    this.archiveTimer = this.options.clock.every(this.options.archiveCheckMs, () => void this.archiveOldJobs());
  }

  async stop(): Promise<void> {
    this.archiveTimer?.cancel();
    this.leading = false;
  }

  /** Called after every change Raft makes here; cheap when there is nothing to do. */
  onProgress(): void {
    const ready = this.options.cluster.masterReady();
    if (ready !== this.leading) {
      this.leading = ready;
      if (ready) this.options.log.info("This master now runs the job queue.");
      else this.markedWaiting.clear();
    }
    if (ready && !this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.schedule();
      });
    }
  }

  private schedule(): void {
    if (!this.leading) return;
    const { cluster, maxRunningJobs } = this.options;
    const pending = Object.values(cluster.state.jobs)
      .filter((job) => !jobEnded(job.status) && !this.active.has(job.id))
      .sort((a, b) => a.priority - b.priority || a.id - b.id);
    const pass = this.locks.pass();
    for (const job of pending) {
      if (this.active.size >= maxRunningJobs) return;
      const opIndex = job.ops.findIndex((op) => op.status !== "success");
      const op = job.ops[opIndex]!;
      if (op.status === "running") {
        this.abandon(job, opIndex);
        continue;
      }
      let locks: LockRequest[];
      try {
        const { definition, params } = parseOpcode(this.options.opcodes, op.input, opIndex);
        locks = definition.locks(params, cluster.state);
      } catch {
        // An opcode this version cannot read (or whose object is gone) fails in runJob(), with the reason.
        locks = [];
      }
      if (!pass.tryAcquire(job.id, locks)) {
        if (job.status === "queued" && !this.markedWaiting.has(job.id)) {
          this.markedWaiting.add(job.id);
          void this.propose({ kind: "job.waiting", id: job.id }).catch(() => undefined);
        }
        continue;
      }
      void this.runJob(job, opIndex);
    }
  }

  /** An opcode with side effects that a previous master started and did not end: it is not run again. */
  private abandon(job: Job, opIndex: number): void {
    const op = job.ops[opIndex]!;
    const term = this.begin(job.id);
    if (term === null) return;
    const message = `The master changed while opcode ${opIndex} (${op.input.OP_ID}) of job ${job.id} was running; it is not run again, because repeating its steps could do them twice. Check what it did and submit it again if needed.`;
    this.options.log.warn({ job: job.id, opIndex }, message);
    void this.end(term, job, opIndex, op.startedAt ?? this.options.clock.now(), { ok: false, error: { code: "environment_error", message, phase: "execution" } })
      .catch(() => undefined)
      .finally(() => this.finished(job.id));
  }

  private async runJob(job: Job, opIndex: number): Promise<void> {
    const term = this.begin(job.id);
    if (term === null) return;
    const { clock, log } = this.options;
    const startedAt = clock.now();
    const input = job.ops[opIndex]!.input;
    const buffered: Array<{ at: number; message: string }> = [];
    let outcome: OpEnd;
    try {
      outcome = await this.runOpcode(term, job, opIndex, buffered);
    } catch (error) {
      if (error instanceof LostMastership) {
        log.info({ job: job.id, opIndex }, `Job ${job.id} is left to the new master: this node is no longer the master.`);
        this.finished(job.id);
        return;
      }
      const failure = asAlkorError(error);
      outcome = { ok: false, error: { code: failure.code, message: failure.message, phase: error instanceof PrerequisiteFailure ? "prerequisites" : "execution" } };
    }
    try {
      await this.end(term, job, opIndex, startedAt, outcome, buffered);
      this.options.onOpcodeEnded?.(input.OP_ID, clock.now() - startedAt, outcome.ok ? "success" : "error");
    } catch (error) {
      if (!(error instanceof LostMastership)) log.warn({ err: error, job: job.id, opIndex }, `The end of opcode ${opIndex} of job ${job.id} was not recorded: ${asAlkorError(error).message}`);
    }
    this.finished(job.id);
  }

  /** Runs the opcode's checks and steps; a pure opcode's messages go to `buffered`, committed with its end. */
  private async runOpcode(term: number, job: Job, opIndex: number, buffered: Array<{ at: number; message: string }>): Promise<OpEnd> {
    const { definition, params, dryRun } = prerequisite(() => parseOpcode(this.options.opcodes, job.ops[opIndex]!.input, opIndex));
    const context = this.context(term, job.id, opIndex, definition.sideEffects ? null : buffered);
    prerequisite(() => definition.check(params, context));
    if (dryRun) return { ok: true, result: null, effects: [] };
    if (definition.sideEffects) await this.propose({ kind: "job.opStart", id: job.id, opIndex, at: this.options.clock.now() }, term);
    const { result, effects } = await definition.run(params, context);
    return { ok: true, result: result ?? null, effects };
  }

  private context(term: number, jobId: number, opIndex: number, buffered: Array<{ at: number; message: string }> | null): OpcodeContext {
    const { cluster, clock, services, selfName } = this.options;
    return {
      state: () => cluster.state,
      masterName: selfName,
      jobId,
      opIndex,
      clock,
      services,
      log: async (message) => {
        const entry = { at: clock.now(), message: message.slice(0, 4096) };
        if (buffered) buffered.push(entry);
        else await this.propose({ kind: "job.log", id: jobId, opIndex, type: "message", ...entry }, term);
      },
      sleep: (ms) =>
        new Promise((resolve, reject) => {
          clock.after(ms, () => (this.options.cluster.leaderTerm() === term ? resolve() : reject(new LostMastership())));
        }),
      propose: async (command) => {
        await this.propose(command, term);
      },
    };
  }

  private async end(term: number, job: Job, opIndex: number, startedAt: number, outcome: OpEnd, log: Array<{ at: number; message: string }> = []): Promise<void> {
    await this.propose({ kind: "job.opEnd", id: job.id, opIndex, startedAt, at: this.options.clock.now(), outcome, ...(log.length > 0 ? { log } : {}) }, term);
  }

  /** Marks a job as running here in the current term; null when this node leads no more. */
  private begin(jobId: number): number | null {
    const term = this.options.cluster.leaderTerm();
    if (term !== null) this.active.set(jobId, term);
    return term;
  }

  private finished(jobId: number): void {
    this.locks.release(jobId);
    this.active.delete(jobId);
    this.markedWaiting.delete(jobId);
    this.onProgress();
  }

  /**
   * Commits through this node while it still leads in `term`: a lease that
   * lapses for a moment (a membership change, a slow disk) is no change of
   * master, and the work begun goes on. A refusal rejects with its reason; a
   * new term, with LostMastership.
   */
  private async propose(command: ClusterCommand, term: number | null = this.options.cluster.leaderTerm()): Promise<Applied> {
    const { cluster } = this.options;
    if (term === null || cluster.leaderTerm() !== term) throw new LostMastership();
    try {
      return await cluster.proposeLocal(command);
    } catch (error) {
      if (cluster.leaderTerm() !== term) throw new LostMastership();
      throw error;
    }
  }

  /** Drops ended jobs older than the queue's archive age from the cluster state. */
  private async archiveOldJobs(): Promise<void> {
    if (!this.leading || this.archiving) return;
    const { state } = this.options.cluster;
    const before = this.options.clock.now() - state.queue.archiveAfterMs;
    const ids = Object.values(state.jobs)
      .filter((job) => jobEnded(job.status) && job.endedAt !== null && job.endedAt < before)
      .map((job) => job.id)
      .slice(0, 10_000);
    if (ids.length === 0) return;
    this.archiving = true;
    try {
      await this.propose({ kind: "job.archive", ids });
      this.options.log.info({ count: ids.length }, `Archived ${ids.length} jobs that ended more than ${Math.round(state.queue.archiveAfterMs / 60_000)} minutes ago.`);
    } catch (error) {
      if (!(error instanceof LostMastership)) this.options.log.warn({ err: error }, `Archiving old jobs failed: ${asAlkorError(error).message}`);
    } finally {
      this.archiving = false;
    }
  }
}
