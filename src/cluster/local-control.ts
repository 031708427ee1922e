import type { ClusterControl } from "../api/local/cluster-control.js";
import type { ClusterStatusBody, DoneBody } from "../api/local/contract.js";
import type { ClusterCommands } from "./cluster-commands.js";
import type { ClusterService } from "./cluster-service.js";

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

  modify(changes: Parameters<ClusterControl["modify"]>[0]) {
    return this.commands.modifyCluster(changes);
  }

  async addNode(name: string): Promise<DoneBody> {
    await this.commands.addNode(name);
    return { done: true, message: `Node ${name} was added to the cluster.` };
  }

  async removeNode(name: string): Promise<DoneBody> {
    await this.commands.removeNode(name);
    return { done: true, message: `Node ${name} was removed from the cluster.` };
  }

  async modifyNode(name: string, request: Parameters<ClusterControl["modifyNode"]>[1]): Promise<DoneBody> {
    const node = await this.commands.modifyNode(name, request.changes, request.force);
    const flags = [
      `master_candidate=${node.masterCandidate}`,
      `drained=${node.drained}`,
      `offline=${node.offline}`,
      `master_capable=${node.masterCapable}`,
      `vm_capable=${node.vmCapable}`,
    ];
    return { done: true, message: `Modified node ${name}: ${flags.join(", ")}.` };
  }
}
