import { RaftNode, type RaftConfig } from "../../../src/consensus/raft.js";
import type {
  ConfChange,
  Entry,
  HardState,
  Message,
  NodeId,
  PersistentState,
  Snapshot,
} from "../../../src/consensus/types.js";

/** mulberry32: a small seeded generator, so every run replays exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Disk {
  hardState: HardState;
  snapshot?: Snapshot;
  /** The entries after the snapshot. */
  entries: Entry[];
}

export interface ClusterOptions {
  readonly seed?: number;
  readonly restored?: Record<NodeId, PersistentState>;
  /** Fraction of messages lost in transit. */
  readonly lossRate?: number;
  readonly config?: Partial<Pick<RaftConfig, "preVote" | "checkQuorum">>;
}

export const electionTicks = 10;

/**
 * N RaftNodes and the driver around each: ready() is persisted to an in-memory
 * disk, then its messages are queued on a network the test controls, then its
 * committed entries are applied. Invariants are checked as it runs.
 */
export class Cluster {
  /** Every node started so far, in order. */
  readonly ids: NodeId[];
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly disks = new Map<NodeId, Disk>();
  readonly applied = new Map<NodeId, Entry[]>();
  /** Every message delivered, in order. */
  readonly delivered: Message[] = [];
  /** Rewrites a message on delivery, or drops it by returning null. */
  intercept: ((m: Message) => Message | null) | undefined;

  private readonly random: () => number;
  private readonly lossRate: number;
  private readonly options: ClusterOptions;
  /** The voters each node was started with. */
  private readonly initialVoters = new Map<NodeId, readonly NodeId[]>();
  private queue: Message[] = [];
  private readonly cutLinks = new Set<string>();
  private readonly down = new Set<NodeId>();
  private readonly leadersByTerm = new Map<number, Set<NodeId>>();
  private readonly committedByIndex = new Map<number, Entry>();

  constructor(ids: readonly NodeId[], options: ClusterOptions = {}) {
    this.ids = [...ids];
    this.options = options;
    this.random = seededRandom(options.seed ?? 1);
    this.lossRate = options.lossRate ?? 0;
    for (const id of ids) {
      const restored = options.restored?.[id];
      this.disks.set(id, {
        hardState: restored?.hardState ?? { term: 0, votedFor: null, commit: 0 },
        entries: [...(restored?.entries ?? [])],
      });
      this.applied.set(id, []);
      this.initialVoters.set(id, ids);
      this.start(id);
    }
  }

  node(id: NodeId): RaftNode {
    return this.nodes.get(id)!;
  }

  disk(id: NodeId): Disk {
    return this.disks.get(id)!;
  }

  /** Terms in which more than one node was leader; must stay empty (§5.2 Election Safety). */
  termsWithTwoLeaders(): number[] {
    return [...this.leadersByTerm].filter(([, leaders]) => leaders.size > 1).map(([term]) => term);
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => !this.down.has(id) && this.node(id).status().role === "leader");
  }

  tick(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const id of this.ids) {
        if (this.down.has(id)) continue;
        this.node(id).tick();
        this.flush(id);
      }
      this.deliverAll();
    }
  }

  /** Ticks until check holds; throws after maxTicks. Returns the ticks it took. */
  tickUntil(check: () => boolean, maxTicks = 20 * electionTicks): number {
    for (let ticks = 0; ticks < maxTicks; ticks++) {
      if (check()) return ticks;
      this.tick();
    }
    if (check()) return maxTicks;
    throw new Error(`condition not reached in ${maxTicks} ticks`);
  }

  /** Ticks until exactly one node leads, and returns it. */
  elect(): NodeId {
    this.tickUntil(() => this.leaders().length === 1);
    return this.leaders()[0]!;
  }

  propose(id: NodeId, data: unknown): Entry | null {
    const entry = this.node(id).propose(data);
    this.flush(id);
    this.deliverAll();
    return entry;
  }

  proposeConfChange(id: NodeId, change: ConfChange): Entry | null {
    const entry = this.node(id).proposeConfChange(change);
    this.flush(id);
    this.deliverAll();
    return entry;
  }

  /** Starts a new server with an empty disk that knows no configuration: it learns it from the leader (thesis §4.1). */
  join(id: NodeId): void {
    this.ids.push(id);
    this.disks.set(id, { hardState: { term: 0, votedFor: null, commit: 0 }, entries: [] });
    this.applied.set(id, []);
    this.initialVoters.set(id, []);
    this.start(id);
  }

  /** The driver snapshots its state machine (the entries it applied) and compacts the log up to there (§7). */
  compact(id: NodeId): void {
    const applied = this.applied.get(id)!;
    this.node(id).compact(applied.length, [...applied]);
    this.flush(id);
  }

  transferLeadership(from: NodeId, to: NodeId): void {
    this.node(from).transferLeadership(to);
    this.flush(from);
    this.deliverAll();
  }

  /** Cuts every link between the groups. */
  partition(...groups: NodeId[][]): void {
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue;
        for (const from of a) for (const to of b) this.cutLinks.add(`${from}>${to}`);
      }
    }
  }

  heal(): void {
    this.cutLinks.clear();
  }

  /** The node stops; only its disk survives. */
  crash(id: NodeId): void {
    this.down.add(id);
  }

  /**
   * Rebuilds the node from its disk. With `reloadStateMachine`, the state
   * machine is rebuilt too: loaded from the snapshot, the rest re-applied from the log.
   */
  restart(id: NodeId, reloadStateMachine = false): void {
    this.down.delete(id);
    if (reloadStateMachine) this.applied.set(id, [...((this.disk(id).snapshot?.data as Entry[] | undefined) ?? [])]);
    this.start(id);
  }

  deliverAll(limit = 100_000): void {
    for (let delivered = 0; this.queue.length > 0; delivered++) {
      if (delivered >= limit) throw new Error("the network did not go quiet");
      const sent = this.queue.shift()!;
      if (!this.nodes.has(sent.to) || this.down.has(sent.to) || this.cutLinks.has(`${sent.from}>${sent.to}`)) continue;
      if (this.lossRate > 0 && this.random() < this.lossRate) continue;
      const m = this.intercept === undefined ? sent : this.intercept(sent);
      if (m === null) continue;
      this.delivered.push(m);
      this.node(m.to).step(m);
      this.flush(m.to);
    }
  }

  private start(id: NodeId): void {
    const disk = this.disk(id);
    this.nodes.set(
      id,
      new RaftNode({
        id,
        voters: this.initialVoters.get(id)!,
        electionTicks,
        heartbeatTicks: 2,
        randomInt: (min, max) => min + Math.floor(this.random() * (max - min)),
        restored: {
          hardState: disk.hardState,
          entries: [...disk.entries],
          ...(disk.snapshot === undefined ? {} : { snapshot: disk.snapshot }),
        },
        applied: this.applied.get(id)!.length,
        ...this.options.config,
      }),
    );
  }

  /** The driver: persist, then send, then apply, then advance. */
  private flush(id: NodeId): void {
    const node = this.node(id);
    while (node.hasReady()) {
      const ready = node.ready();
      const disk = this.disk(id);
      const { snapshot, truncateFrom } = ready.persist;
      if (snapshot !== undefined) {
        disk.snapshot = snapshot;
        disk.entries = disk.entries.filter((entry) => entry.index > snapshot.index);
      }
      const offset = disk.snapshot?.index ?? 0;
      if (truncateFrom !== undefined) disk.entries = disk.entries.filter((entry) => entry.index < truncateFrom);
      for (const entry of ready.persist.entries) {
        if (entry.index !== offset + disk.entries.length + 1) throw new Error(`${id} persisted a gap at ${entry.index}`);
        disk.entries.push(entry);
      }
      if (ready.persist.hardState !== undefined) disk.hardState = ready.persist.hardState;
      this.queue.push(...ready.messages);
      if (ready.restore !== undefined) this.applied.set(id, [...(ready.restore.data as Entry[])]);
      this.apply(id, ready.committed);
      node.advance();
    }
    const status = node.status();
    if (status.role === "leader") {
      const leaders = this.leadersByTerm.get(status.term) ?? new Set();
      leaders.add(id);
      this.leadersByTerm.set(status.term, leaders);
    }
  }

  private apply(id: NodeId, committed: readonly Entry[]): void {
    const applied = this.applied.get(id)!;
    for (const entry of committed) {
      if (entry.index !== applied.length + 1) throw new Error(`${id} applied ${entry.index} out of order`);
      const first = this.committedByIndex.get(entry.index);
      // §5.4.3 State Machine Safety: every node applies the same entry at an index
      if (first !== undefined && first.term !== entry.term) {
        throw new Error(`${id} applied term ${entry.term} at ${entry.index}, another node term ${first.term}`);
      }
      this.committedByIndex.set(entry.index, entry);
      applied.push(entry);
    }
  }
}
