import type { ClusterControl } from "../api/local/cluster-control.js";
import type { ClusterInfoBody, ClusterStatusBody } from "../api/local/contract.js";
import type { ClusterCommands, ClusterInfo } from "./cluster-commands.js";
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

  async info(): Promise<ClusterInfoBody> {
    return this.withDefaults(await this.commands.info());
  }

  async master() {
    return { master: await this.commands.masterName() };
  }

  async init(request: Parameters<ClusterControl["init"]>[0]): Promise<ClusterInfoBody> {
    return this.withDefaults(await this.commands.init(request));
  }

  async failover() {
    return { master: await this.commands.failover() };
  }

  /** The instance defaults, from the state the command's linearizable read has just brought up to date. */
  private withDefaults(info: ClusterInfo): ClusterInfoBody {
    return { ...info, instanceDefaults: this.service.state.instanceDefaults };
  }

  async tags(kind: "cluster" | "node" | "instance", name?: string): Promise<string[]> {
    const { state } = await this.commands.read();
    return tagTarget(state, kind, name).tags;
  }
}
