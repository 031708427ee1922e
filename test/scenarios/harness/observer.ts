import { emptyClusterState, type ClusterState } from "../../../src/cluster/state/schema.js";
import type { SimCluster } from "./sim-cluster.js";
import type { SimNode } from "./sim-node.js";

/** One node as an operator would watch it. */
interface NodeView {
  master: boolean;
  term: number;
  /** The master this node follows, by name. */
  follows: string | null;
  holdsIp: boolean;
  fenceDue: boolean;
}

const down: NodeView = { master: false, term: 0, follows: null, holdsIp: false, fenceDue: false };

const empty: ClusterState = emptyClusterState;

/**
 * Writes the event log: after every event it compares what each node shows
 * now with what it showed before, and the newest committed cluster state
 * with the one before, and writes a line for each change, stamped with
 * virtual seconds.
 */
export class Observer {
  readonly lines: string[] = [];
  private readonly views = new Map<string, NodeView>();
  private state: ClusterState = empty;
  private voters: string[] = [];

  constructor(private readonly sim: SimCluster) {}

  /** Stamped with the tenth of a virtual second it happened in (truncated, so a line never shows a time still to come). */
  note(text: string): void {
    const tenths = Math.floor(this.sim.clock.elapsed / 100);
    this.lines.push(`${(tenths / 10).toFixed(1).padStart(5)} ${text}`);
  }

  observe(): void {
    for (const node of this.sim.nodes) this.observeNode(node.name, viewOf(node));
    this.observeState(newestState(this.sim) ?? this.state);
    this.observeVoters();
  }

  private observeNode(name: string, now: NodeView): void {
    const before = this.views.get(name) ?? down;
    this.views.set(name, now);
    if (now === down) return; // a crash is in the log as its command
    if (now.master && !before.master) this.note(`${name} becomes master (term ${now.term})`);
    if (!now.master && before.master) this.note(`${name} loses the master role (term ${now.term})`);
    if (now.follows !== null && now.follows !== before.follows) this.note(`${name} follows master ${now.follows} (term ${now.term})`);
    if (now.holdsIp && !before.holdsIp) this.note(`${name} holds the cluster IP`);
    if (!now.holdsIp && before.holdsIp) this.note(`${name} drops the cluster IP`);
    if (now.fenceDue && !before.fenceDue) {
      this.note(`${name} reports it must self-fence (cut off from the majority for over ${this.sim.settings.selfFenceTimeoutMs / 1000} s)`);
    }
    if (!now.fenceDue && before.fenceDue) this.note(`${name} is in contact with the majority again`);
  }

  private observeState(now: ClusterState): void {
    const before = this.state;
    // A crashed node may have held the newest state; what it committed is not lost, only out of sight.
    if (now.serial <= before.serial) return;
    this.state = now;
    let founder: string | undefined;
    if (now.cluster && !before.cluster) {
      founder = Object.values(now.nodes)[0]?.name;
      this.note(`cluster ${now.cluster.name} is founded by ${founder} (candidate pool size ${now.cluster.candidatePoolSize})`);
    }
    if (now.cluster && before.cluster && now.cluster.candidatePoolSize !== before.cluster.candidatePoolSize) {
      this.note(`the candidate pool size is now ${now.cluster.candidatePoolSize}`);
    }
    const byName = (state: ClusterState) => new Map(Object.values(state.nodes).map((node) => [node.name, node]));
    const was = byName(before);
    const is = byName(now);
    for (const name of [...new Set([...was.keys(), ...is.keys()])].sort()) {
      if (name === founder) continue;
      const old = was.get(name);
      const node = is.get(name);
      if (node && !old) this.note(`${name} joins the cluster`);
      if (old && !node) this.note(`${name} leaves the cluster`);
      if (node?.masterCandidate && !old?.masterCandidate) this.note(`${name} is promoted to master candidate`);
      if (old?.masterCandidate && node && !node.masterCandidate) this.note(`${name} is no longer a master candidate`);
    }
  }

  /** Raft's voters as the master of the highest term has them: who forms the quorum. */
  private observeVoters(): void {
    const masters = this.sim.nodes.flatMap((node) => {
      const raft = node.service?.status().raft;
      return raft?.role === "leader" ? [raft] : [];
    });
    const master = masters.sort((a, b) => b.term - a.term)[0];
    if (!master) return;
    const now = master.voters.map((uuid) => this.nameOf(uuid)).sort();
    for (const name of now) if (!this.voters.includes(name)) this.note(`${name} now votes`);
    for (const name of this.voters) if (!now.includes(name)) this.note(`${name} no longer votes`);
    this.voters = now;
  }

  private nameOf(uuid: string): string {
    return this.sim.nodes.find((node) => node.uuid === uuid)?.name ?? uuid;
  }
}

function viewOf(node: SimNode): NodeView {
  const service = node.service;
  if (!service) return down;
  const status = service.status();
  const role = status.raft?.role;
  return {
    master: role === "leader",
    term: status.raft?.term ?? 0,
    follows: role === "leader" ? null : status.master,
    holdsIp: node.address.current !== null,
    fenceDue: status.selfFenceDue,
  };
}

/** The state with the highest serial any running node has applied: all nodes apply the same sequence. */
export function newestState(sim: SimCluster): ClusterState | undefined {
  let newest: ClusterState | undefined;
  for (const node of sim.nodes) {
    const state = node.service?.state;
    if (state && (newest === undefined || state.serial > newest.serial)) newest = state;
  }
  return newest;
}
