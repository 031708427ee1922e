import type { Logger } from "pino";
import { RaftNode, type RaftStatus } from "../consensus/raft.js";
import type { ConfChange, Entry, Message, NodeId, PersistentState } from "../consensus/types.js";
import type { Clock, Timer } from "../host/clock.js";
import type { Random } from "../host/random.js";
import { AlkorError } from "../model/errors.js";
import type { RaftStorage } from "./raft-storage.js";

/** What the driver applies committed entries to. */
export interface ReplicatedStateMachine {
  apply(entry: Entry): void;
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** Half the transport's default payload limit (256 KiB), leaving room for the message around the entries. */
const maxAppendBytes = 128 * 1024;

export interface RaftTiming {
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
}

export interface RaftDriverOptions {
  selfId: NodeId;
  /** The voters of a brand-new log: [self] for the founder, [] for a joining node. */
  initialVoters: readonly NodeId[];
  /** The durable state found at start, if any. */
  restored: PersistentState | undefined;
  storage: RaftStorage;
  machine: ReplicatedStateMachine;
  send(message: Message): void;
  timing: RaftTiming;
  /** Compact the log once this many entries were applied after the last snapshot. */
  compactEvery: number;
  clock: Clock;
  random: Random;
  log: Logger;
  /** After every tick and every batch of work: leadership, lease or state may have changed. */
  onProgress(): void;
  /** Raft state could not be made durable; the node must stop taking part. */
  onFatal(error: unknown): void;
}

interface AppliedWaiter {
  index: number;
  resolve(): void;
  reject(error: Error): void;
  timer: Timer;
}

/**
 * Runs a RaftNode for real: ticks it on the clock, feeds it peers' messages,
 * and works off its Ready in Raft's order: persist, then send, then apply.
 */
export class RaftDriver {
  private readonly raft: RaftNode;
  private ticker: Timer | undefined;
  private working = false;
  private stopped = false;
  private appliedIndex: number;
  private waiters: AppliedWaiter[] = [];
  /** The highest index each peer has confirmed to hold, from its answers to this node as leader. */
  private readonly confirmed = new Map<NodeId, number>();

  constructor(private readonly options: RaftDriverOptions) {
    const { restored, timing } = options;
    if (restored?.snapshot) options.machine.restore(restored.snapshot.data);
    this.appliedIndex = restored?.snapshot?.index ?? 0;
    this.raft = new RaftNode({
      id: options.selfId,
      voters: options.initialVoters,
      electionTicks: timing.electionTicks,
      heartbeatTicks: timing.heartbeatTicks,
      randomInt: (min, max) => options.random.int(min, max),
      maxAppendBytes,
      ...(restored ? { restored, applied: this.appliedIndex } : {}),
    });
  }

  start(): void {
    this.ticker = this.options.clock.every(this.options.timing.tickMs, () => {
      this.raft.tick();
      this.work();
    });
    this.work();
  }

  stop(): void {
    this.stopped = true;
    this.ticker?.cancel();
    for (const waiter of this.waiters.splice(0)) {
      waiter.timer.cancel();
      waiter.reject(new AlkorError("environment_error", "The node left the cluster while waiting for the state to catch up."));
    }
  }

  status(): RaftStatus {
    return this.raft.status();
  }

  get applied(): number {
    return this.appliedIndex;
  }

  /**
   * The master's lease; none while handing over, since the transferee is
   * elected at once, without waiting out the lease (thesis §3.10).
   */
  leaseHeld(): boolean {
    return this.raft.leaseHeld() && this.raft.status().transferee === null;
  }

  readIndex(): number | null {
    return this.raft.readIndex();
  }

  step(message: Message): void {
    if (this.stopped) return;
    if (message.type === "AppendEntriesResponse" && message.success) {
      this.confirmed.set(message.from, Math.max(this.confirmed.get(message.from) ?? 0, message.matchIndex));
    }
    this.raft.step(message);
    this.work();
  }

  /** The entry appended, or null when this node is not the leader (or is handing over). */
  propose(data: unknown): Entry | null {
    const entry = this.raft.propose(data);
    // Only new work: a refused proposal must not wake the progress hook, which may propose again at once.
    if (entry !== null) this.work();
    return entry;
  }

  proposeConfChange(change: ConfChange): Entry | null {
    const entry = this.raft.proposeConfChange(change);
    if (entry !== null) this.work();
    return entry;
  }

  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
    this.work();
  }

  /**
   * Whether a peer holds every committed entry (thesis §4.2.1: a new voter that
   * has not caught up could stall commitment, and with it the master's lease).
   */
  caughtUp(peer: NodeId): boolean {
    return (this.confirmed.get(peer) ?? 0) >= this.raft.status().commitIndex;
  }

  /** Resolves once the state machine has applied index; rejects after timeoutMs. */
  waitApplied(index: number, timeoutMs: number): Promise<void> {
    if (this.appliedIndex >= index) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: AppliedWaiter = {
        index,
        resolve,
        reject,
        timer: this.options.clock.after(timeoutMs, () => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          reject(new AlkorError("timeout", `This node's copy of the cluster state did not reach index ${index} within ${timeoutMs} ms (it has ${this.appliedIndex}).`));
        }),
      };
      this.waiters.push(waiter);
    });
  }

  /** One batch at a time: the next ready() waits for this one's advance(). */
  private work(): void {
    if (this.working || this.stopped) return;
    this.working = true;
    void this.drain()
      .catch((error: unknown) => {
        this.stop();
        this.options.onFatal(error);
      })
      .finally(() => {
        this.working = false;
        if (!this.stopped) this.options.onProgress();
      });
  }

  private async drain(): Promise<void> {
    const { options } = this;
    while (!this.stopped && this.raft.hasReady()) {
      const ready = this.raft.ready();
      await options.storage.persist(ready.persist);
      if (this.stopped) return;
      for (const message of ready.messages) options.send(message);
      if (ready.restore) {
        options.machine.restore(ready.restore.data);
        this.appliedIndex = ready.restore.index;
      }
      for (const entry of ready.committed) {
        options.machine.apply(entry);
        this.appliedIndex = entry.index;
      }
      this.raft.advance();
      this.wakeWaiters();
      this.maybeCompact();
    }
  }

  private wakeWaiters(): void {
    const due = this.waiters.filter((waiter) => waiter.index <= this.appliedIndex);
    this.waiters = this.waiters.filter((waiter) => waiter.index > this.appliedIndex);
    for (const waiter of due) {
      waiter.timer.cancel();
      waiter.resolve();
    }
  }

  /** §7: the state machine replaces the entries it has applied once they pile up. */
  private maybeCompact(): void {
    if (this.appliedIndex - this.raft.status().snapshotIndex < this.options.compactEvery) return;
    this.raft.compact(this.appliedIndex, this.options.machine.snapshot());
  }
}
