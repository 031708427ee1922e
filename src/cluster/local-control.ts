import type { ClusterControl } from "../api/local/cluster-control.js";
import type { ClusterStatusBody } from "../api/local/contract.js";
import type { ClusterCommands } from "./cluster-commands.js";
import type { ClusterService } from "./cluster-service.js";
import { tagTarget } from "./opcodes/tag-target.js";

/** Protocol of the cluster's messages and state; bumped when nodes of two versions could not work together. */
export const clusterProtocolVersion = "1";

/** The local control API's cluster operations, answered by this node's cluster service. */
export class LocalClusterControl implements ClusterControl {
  constructor(
    private readonly service: ClusterService,
    private readonly commands: ClusterCommands,
    private readonly identity: { name: string; version: string },
  ) {}

  status(): ClusterStatusBody {
    const status = this.service.status();
    return {
      node: this.identity.name,
      version: this.identity.version,
      protocolVersion: clusterProtocolVersion,
      member: status.member,
      clusterName: status.clusterName,
      clusterUuid: status.clusterUuid,
      raftRole: status.raft?.role ?? null,
      term: status.raft?.term ?? null,
      commitIndex: status.raft?.commitIndex ?? null,
      master: status.master,
      voters: status.raft === null ? null : status.raft.voters.map((uuid) => this.service.nodeName(uuid) ?? uuid).sort(),
      holdsLease: status.leaseHeld,
      quorumContactAgeMs: status.quorumContactAgeMs,
      selfFenceDue: status.selfFenceDue,
      formation: status.formation,
    };
  }

  info() {
    return this.commands.info();
  }

  async master() {
    return { master: await this.commands.masterName() };
  }

  init(request: Parameters<ClusterControl["init"]>[0]) {
    return this.commands.init(request);
  }

  async failover() {
    return { master: await this.commands.failover() };
  }

  async tags(kind: "cluster" | "node" | "instance", name?: string): Promise<string[]> {
    const { state } = await this.commands.read();
    return tagTarget(state, kind, name).tags;
  }
}
