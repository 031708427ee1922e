import {
  RaftNode,
  type Entry,
  type Message,
  type NodeId,
  type RaftConfig,
  type Ready,
  type Snapshot,
} from "../../src/consensus/index.js";
import type { DriverBugs } from "./bugs.js";
import { Disk } from "./disk.js";
import type { SafetyChecker } from "./safety.js";
import { isWrite, type Read, type Workload, type Write } from "./workload.js";

/** The replicated state machine: each config key's value. A snapshot holds it as pairs. */
interface StateMachineSnapshot {
  readonly values: readonly (readonly [string, number])[];
}

/**
 * One simulated machine: a RaftNode and its driver, which on each ready()
 * persists to the disk, then sends, then applies, then advances, and compacts
 * its log every `compactEvery` applied entries if set (§7). A crash keeps
 * the disk and nothing else.
 */
export class Server {
  readonly disk = new Disk();
  node: RaftNode;
  up = true;
  /** Bumped on crash and restart, so events scheduled for an earlier life are ignored. */
  incarnation = 0;
  readyScheduled = false;
  /** The state machine and the last index it has applied. */
  values = new Map<string, number>();
  appliedIndex = 0;
  compactions = 0;
  /** The writes proposed to this life, acknowledged to the client when applied. */
  private proposed = new Set<number>();
  /** Reads this life has accepted, answered once the state machine reaches their index. */
  private reads: { readonly read: Read; readonly index: number }[] = [];
  /** The latest term whose leader log was checked for completeness. */
  private completenessCheckedTerm = 0;

  constructor(
    readonly id: NodeId,
    private readonly config: Omit<RaftConfig, "id">,
    private readonly compactEvery: number | null,
    private readonly checker: SafetyChecker,
    private readonly workload: Workload,
    private readonly bugs: DriverBugs,
  ) {
    this.node = new RaftNode({ ...config, id });
  }

  propose(write: Write): number | null {
    const entry = this.node.propose(write);
    if (entry === null) return null;
    this.proposed.add(write.id);
    return entry.index;
  }

  /** Thesis §6.4: answers once the state machine has applied index; at once if it has. */
  read(read: Read, index: number): void {
    this.reads.push({ read, index });
    this.answerReads();
  }

  /** Runs the driver until the node has no more work; returns the messages to send. */
  drive(): Message[] {
    const sent: Message[] = [];
    while (this.node.hasReady()) {
      const ready = this.node.ready();
      this.persist(ready.persist);
      sent.push(...ready.messages);
      if (ready.restore !== undefined) this.load(ready.restore);
      const { term } = this.node.status();
      for (const entry of ready.committed) this.apply(term, entry);
      this.node.advance();
      this.compact();
      this.stepForgeries(ready.messages);
    }
    this.answerReads();
    return sent;
  }

  /** Stops the machine. Torn: it dies after the disk write of its pending ready(), before sending. */
  crash(torn: boolean): void {
    if (torn && this.node.hasReady()) this.persist(this.node.ready().persist);
    this.up = false;
    this.incarnation++;
  }

  /** Boots from the disk alone: the state machine is loaded from the snapshot and the log applied again. */
  restart(): void {
    const restored = this.disk.recover(this.bugs.recover ?? ((state) => state));
    this.values = new Map();
    this.appliedIndex = 0;
    if (restored.snapshot !== undefined) this.load(restored.snapshot);
    this.node = new RaftNode({ ...this.config, id: this.id, restored, applied: this.appliedIndex });
    this.proposed = new Set();
    this.reads = [];
    this.readyScheduled = false;
    this.up = true;
    this.incarnation++;
  }

  private persist(persist: Ready["persist"]): void {
    const from = Math.min(persist.truncateFrom ?? Infinity, persist.entries[0]?.index ?? Infinity);
    this.checker.truncated(this.id, this.disk.write(persist));
    if (from !== Infinity) this.checker.persisted(this.id, this.disk, from);
    const { role, term } = this.node.status();
    if (role === "leader" && term > this.completenessCheckedTerm) {
      this.completenessCheckedTerm = term;
      this.checker.leaderLog(this.id, term, this.disk);
    }
  }

  private load(snapshot: Snapshot): void {
    this.values = new Map((snapshot.data as StateMachineSnapshot).values);
    this.appliedIndex = snapshot.index;
  }

  private apply(term: number, entry: Entry): void {
    this.checker.applied(this.id, term, entry);
    this.appliedIndex = entry.index;
    if (!isWrite(entry)) return;
    const write = entry.data as Write;
    this.workload.applied(entry);
    this.values.set(write.key, write.value);
    if (this.proposed.delete(write.id)) this.workload.acknowledge(write.id, entry.index);
  }

  /** §7: the state machine replaces the log up to what it has applied. */
  private compact(): void {
    if (this.compactEvery === null || this.appliedIndex - this.disk.snapshotIndex() < this.compactEvery) return;
    const data: StateMachineSnapshot = { values: [...this.values] };
    this.node.compact(this.appliedIndex, data);
    this.compactions++;
  }

  private stepForgeries(sent: readonly Message[]): void {
    if (this.bugs.forge === undefined) return;
    for (const m of sent) {
      const forged = this.bugs.forge(m);
      if (forged !== null) this.node.step(forged);
    }
  }

  private answerReads(): void {
    if (this.reads.length === 0) return;
    const waiting = [];
    for (const pending of this.reads) {
      if (pending.index > this.appliedIndex) waiting.push(pending);
      else this.workload.answered(pending.read, this.values.get(pending.read.key), this.appliedIndex);
    }
    this.reads = waiting;
  }
}
