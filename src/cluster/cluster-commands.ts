import { parseClusterIp } from "../host/net/cluster-address.js";
import { AlkorError } from "../model/errors.js";
import type { ClusterService } from "./cluster-service.js";
import type { ClusterIdentity, ClusterState } from "./state/schema.js";

export interface InitRequest {
  name: string;
  clusterIp: string;
  joinToken: string;
  masterNetdev: string | null;
  candidatePoolSize: number;
}

export type ClusterInfo = Omit<ClusterIdentity, "joinToken" | "tls"> & {
  master: string;
  serial: number;
  nodes: number;
  candidates: string[];
  term: number;
  commitIndex: number;
};

/**
 * The operator's cluster commands that are not jobs (init, getmaster, info,
 * master-failover, as in Ganeti), with their prerequisite checks: read the
 * current state through a linearizable read, refuse what does not fit with a
 * sentence that says why. Everything else is an opcode (src/cluster/opcodes/).
 */
export class ClusterCommands {
  constructor(
    private readonly cluster: ClusterService,
    private readonly selfUuid: string,
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
    const { joinToken: _secret, tls: _keyAndCertificate, ...identity } = cluster;
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

  private currentState(): ClusterState & { cluster: ClusterIdentity } {
    const state = this.cluster.state;
    if (state.cluster === null) throw new AlkorError("wrong_state", "The cluster is still being initialised; try again in a moment.");
    return state as ClusterState & { cluster: ClusterIdentity };
  }
}
