import {
  RaftNode,
  type Entry,
  type Message,
  type NodeId,
  type PersistentState,
  type RaftConfig,
  type Ready,
} from "../../src/consensus/index.js";
import { Disk } from "./disk.js";
import type { SafetyChecker } from "./safety.js";
import { isWrite, type Workload, type Write } from "./workload.js";

/** How a restarting server reads its disk; the faithful one reads it as written. */
export type Recovery = (state: PersistentState) => PersistentState;

export const faithfulRecovery: Recovery = (state) => state;

/**
 * One simulated machine: a RaftNode and its driver, which on each ready()
 * persists to the disk, then sends, then applies, then advances. A crash
 * keeps the disk and nothing else.
 */
export class Server {
  readonly disk = new Disk();
  node: RaftNode;
  up = true;
  /** Bumped on crash and restart, so events scheduled for an earlier life are ignored. */
  incarnation = 0;
  readyScheduled = false;
  /** The writes this life has applied. */
  appliedWrites = new Set<number>();
  /** The writes proposed to this life, acknowledged to the client when applied. */
  private proposed = new Set<number>();
  /** The latest term whose leader log was checked for completeness. */
  private completenessCheckedTerm = 0;

  constructor(
    readonly id: NodeId,
    private readonly config: Omit<RaftConfig, "id">,
    private readonly checker: SafetyChecker,
    private readonly workload: Workload,
  ) {
    this.node = new RaftNode({ ...config, id });
  }

  propose(write: Write): number | null {
    const entry = this.node.propose(write);
    if (entry === null) return null;
    this.proposed.add(write.id);
    return entry.index;
  }

  /** Runs the driver until the node has no more work; returns the messages to send. */
  drive(): Message[] {
    const sent: Message[] = [];
    while (this.node.hasReady()) {
      const ready = this.node.ready();
      this.persist(ready.persist);
      sent.push(...ready.messages);
      const { term } = this.node.status();
      for (const entry of ready.committed) this.apply(term, entry);
      this.node.advance();
    }
    return sent;
  }

  /** Stops the machine. Torn: it dies after the disk write of its pending ready(), before sending. */
  crash(torn: boolean): void {
    if (torn && this.node.hasReady()) this.persist(this.node.ready().persist);
    this.up = false;
    this.incarnation++;
  }

  /** Boots from the disk alone: the state machine is rebuilt by applying the log again. */
  restart(recover: Recovery): void {
    this.node = new RaftNode({ ...this.config, id: this.id, restored: this.disk.recover(recover), applied: 0 });
    this.appliedWrites = new Set();
    this.proposed = new Set();
    this.readyScheduled = false;
    this.up = true;
    this.incarnation++;
  }

  private persist(persist: Ready["persist"]): void {
    const from = Math.min(persist.truncateFrom ?? Infinity, persist.entries[0]?.index ?? Infinity);
    this.checker.truncated(this.id, this.disk.write(persist));
    if (from !== Infinity) this.checker.persisted(this.id, this.disk.entries, from);
    const { role, term } = this.node.status();
    if (role === "leader" && term > this.completenessCheckedTerm) {
      this.completenessCheckedTerm = term;
      this.checker.leaderLog(this.id, term, this.disk.entries);
    }
  }

  private apply(term: number, entry: Entry): void {
    this.checker.applied(this.id, term, entry);
    if (!isWrite(entry)) return;
    const write = entry.data as Write;
    this.workload.applied(entry);
    this.appliedWrites.add(write.id);
    if (this.proposed.delete(write.id)) this.workload.acknowledge(write.id, entry.index);
  }
}
