import type { Clock } from "../host/clock.js";
import { parseClusterIp } from "../host/net/cluster-address.js";
import { AlkorError } from "../model/errors.js";
import type { FormationPeer } from "./formation.js";
import type { ClusterService } from "./cluster-service.js";
import type { ClusterIdentity, ClusterNode, ClusterState, NodeFlags } from "./state/schema.js";

export interface InitRequest {
  name: string;
  clusterIp: string;
  joinToken: string;
  masterNetdev: string | null;
  candidatePoolSize: number;
}

export type ClusterInfo = Omit<ClusterIdentity, "joinToken"> & {
  master: string;
  serial: number;
  nodes: number;
  candidates: string[];
  term: number;
  commitIndex: number;
};

/**
 * The operator's cluster commands (the manual's alkor-cluster and
 * alkor-node), with their prerequisite checks: read the current state
 * through a linearizable read, refuse what does not fit with a sentence
 * that says why, then commit through the master.
 */
export class ClusterCommands {
  constructor(
    private readonly cluster: ClusterService,
    private readonly selfUuid: string,
    private readonly clock: Clock,
    /** Nodes this agent discovered, for `alkor-node add`. */
    private readonly discovered: () => FormationPeer[],
    private readonly adopt: (node: string, clusterUuid: string, clusterName: string) => Promise<void>,
    private readonly evict: (node: string, clusterUuid: string) => Promise<void>,
  ) {}

  async init(request: InitRequest): Promise<ClusterInfo> {
    const ip = parseClusterIp(request.clusterIp);
    await this.cluster.found({ ...request, clusterIp: `${ip.ip}/${ip.prefixLength}` });
    return this.info();
  }

  async masterName(): Promise<string> {
    const master = await this.cluster.readBarrier();
    return this.cluster.nodeName(master) ?? master;
  }

  async info(): Promise<ClusterInfo> {
    const master = await this.masterName();
    const { cluster, serial, nodes } = this.currentState();
    const { joinToken: _secret, ...identity } = cluster;
    const raft = this.cluster.status().raft!;
    return {
      ...identity,
      master,
      serial,
      nodes: Object.keys(nodes).length,
      candidates: Object.values(nodes).filter((node) => node.masterCandidate).map((node) => node.name).sort(),
      term: raft.term,
      commitIndex: raft.commitIndex,
    };
  }

  /** The current state, after a linearizable read; with the master's UUID. */
  async read(): Promise<{ state: ClusterState; master: string }> {
    const master = await this.cluster.readBarrier();
    return { state: this.cluster.state, master };
  }

  /** master-failover: the node this runs on takes over the master role. */
  async failover(): Promise<string> {
    const master = await this.cluster.readBarrier();
    const { nodes } = this.currentState();
    const self = nodes[this.selfUuid];
    const name = self?.name ?? this.selfUuid;
    if (master === this.selfUuid) throw new AlkorError("wrong_state", `Node ${name} is already the master.`);
    const voters = this.cluster.status().raft?.voters ?? [];
    if (!self?.masterCandidate || !voters.includes(this.selfUuid)) {
      const valid = Object.values(nodes)
        .filter((node) => node.masterCandidate && voters.includes(node.uuid) && node.uuid !== master)
        .map((node) => node.name)
        .sort();
      throw new AlkorError("wrong_state", `Node ${name} is not a master candidate; run master-failover on one of: ${valid.join(", ")}.`);
    }
    await this.cluster.requestTransfer(this.selfUuid);
    return name;
  }

  async modifyCluster(changes: { candidatePoolSize?: number }): Promise<ClusterInfo> {
    await this.read();
    if (Object.keys(changes).length === 0) throw new AlkorError("wrong_input", "Nothing to change: give at least one option.");
    await this.cluster.propose({ kind: "cluster.modify", changes });
    return this.info();
  }

  /** alkor-node add: admits a node this agent discovered; it needs no join token. */
  async addNode(name: string): Promise<void> {
    const { state } = await this.read();
    const cluster = this.currentState().cluster;
    if (Object.values(state.nodes).some((node) => node.name === name)) {
      throw new AlkorError("already_exists", `Node ${name} is already a member of cluster ${cluster.name}.`);
    }
    const peer = this.discovered().find((candidate) => candidate.name === name);
    if (!peer) throw new AlkorError("unknown_entity", `No node named ${name} has been discovered; is its agent running and on the management network?`);
    if (!peer.alive) throw new AlkorError("wrong_state", `Node ${name} is not alive; it cannot be added.`);
    if (peer.cluster !== null) throw new AlkorError("wrong_state", `Node ${name} already belongs to cluster ${peer.cluster.name}.`);
    await this.cluster.propose({
      kind: "node.add",
      node: { uuid: peer.uuid, name, address: peer.address, brokerPort: peer.brokerPort, masterCandidate: false, drained: false, offline: false, masterCapable: true, vmCapable: true },
      at: this.clock.now(),
    });
    await this.adopt(name, cluster.uuid, cluster.name);
  }

  async removeNode(name: string): Promise<void> {
    const { state, master } = await this.read();
    const node = findNode(state, name);
    if (node.uuid === master) throw new AlkorError("wrong_state", `Node ${name} is the master; fail over to another node before removing it.`);
    await this.cluster.propose({ kind: "node.remove", uuid: node.uuid });
    // The node forgets the cluster; if it is down it will be told nothing, and that is fine: it was removed.
    await this.evict(name, state.cluster!.uuid).catch(() => undefined);
  }

  async modifyNode(name: string, changes: Partial<NodeFlags>, force: boolean): Promise<ClusterNode> {
    const { state, master } = await this.read();
    const node = findNode(state, name);
    if (Object.keys(changes).length === 0) throw new AlkorError("wrong_input", "Nothing to change: give at least one of -C, -D, -O, --master-capable, --vm-capable.");
    const demotes = changes.masterCandidate === false || changes.drained === true || changes.offline === true || changes.masterCapable === false;
    if (node.uuid === master && demotes) {
      throw new AlkorError("wrong_state", `Node ${name} is the master; its role can be changed only after master-failover to another node.`);
    }
    if (demotes && node.masterCandidate && !force) {
      const staysEligible = changes.drained !== true && changes.offline !== true && changes.masterCapable !== false;
      const { have, want } = candidatesAfterDemoting(state, node.uuid, staysEligible);
      if (have < want) {
        throw new AlkorError(
          "wrong_state",
          `Demoting ${name} would leave ${have} master candidates where the pool needs ${want}; use --force to do it anyway (another node is then promoted if one can be).`,
        );
      }
    }
    await this.cluster.propose({ kind: "node.modify", uuid: node.uuid, changes, byOperator: true });
    return findNode(this.cluster.state, name);
  }

  private currentState(): ClusterState & { cluster: ClusterIdentity } {
    const state = this.cluster.state;
    if (state.cluster === null) throw new AlkorError("wrong_state", "The cluster is still being initialised; try again in a moment.");
    return state as ClusterState & { cluster: ClusterIdentity };
  }
}

function findNode(state: ClusterState, name: string): ClusterNode {
  const node = Object.values(state.nodes).find((candidate) => candidate.name === name);
  if (!node) throw new AlkorError("unknown_entity", `Node ${name} is not a member of the cluster.`, { node: name });
  return node;
}

/** How many candidates remain if one is demoted, against how many the pool wants of the nodes eligible afterwards. */
function candidatesAfterDemoting(state: ClusterState, uuid: string, staysEligible: boolean): { have: number; want: number } {
  const others = Object.values(state.nodes).filter((node) => node.uuid !== uuid);
  const eligible = others.filter((node) => node.masterCapable && !node.drained && !node.offline).length + (staysEligible ? 1 : 0);
  const have = others.filter((node) => node.masterCandidate).length;
  return { have, want: Math.min(state.cluster?.candidatePoolSize ?? 0, eligible) };
}
