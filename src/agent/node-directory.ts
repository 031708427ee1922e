import type { NodeDirectory, NodeInfo } from "../api/local/node-directory.js";
import type { MembershipTable, Member } from "../discovery/membership.js";
import type { Clock } from "../host/clock.js";
import type { NodeStats } from "../host/node-stats.js";
import { AlkorError, asAlkorError } from "../model/errors.js";
import type { NodeRole, NodeView } from "../model/node.js";
import type { NodeRpcMethods } from "../node/rpc-methods.js";
import type { RpcEndpoint } from "../transport/rpc.js";
import type { AnnouncePayload } from "../transport/topics.js";

export interface MembershipDirectoryOptions {
  self: () => AnnouncePayload;
  stats: () => NodeStats;
  table: MembershipTable;
  rpc: RpcEndpoint<NodeRpcMethods>;
  clock: Clock;
  infoTimeoutMs: number;
  /** The members' roles by UUID (after a linearizable read), or null while this node is in no cluster. */
  roles: () => Promise<Map<string, NodeRole> | null>;
}

/**
 * The nodes as this agent sees them: liveness and figures from what its
 * membership table heard, roles from the cluster state. In a cluster it lists
 * the members; before, every node it discovered.
 */
export class MembershipDirectory implements NodeDirectory {
  constructor(private readonly options: MembershipDirectoryOptions) {}

  async list(): Promise<NodeView[]> {
    const { options } = this;
    const roles = await options.roles();
    const self = this.view(options.self(), true, "alive", 0, options.stats());
    const peers = options.table.members().map((member) => this.memberView(member));
    const views = [self, ...peers]
      .filter((view) => roles === null || roles.has(view.uuid))
      .map((view) => ({ ...view, role: roles?.get(view.uuid) ?? view.role }));
    return views.sort((a, b) => a.name.localeCompare(b.name));
  }

  async info(name: string): Promise<NodeInfo> {
    const node = (await this.list()).find((view) => view.name === name);
    if (!node) throw new AlkorError("unknown_entity", `Node ${name} is not known to this agent.`, { node: name });
    try {
      const reply = await this.options.rpc.call(name, "node.inventory", {}, this.options.infoTimeoutMs);
      return { node, inventory: reply.inventory, profile: { ...reply.profile, matchedBecause: reply.profileReason } };
    } catch (error) {
      return { node, inventory: null, profile: null, inventoryError: asAlkorError(error).message };
    }
  }

  private memberView(member: Member): NodeView {
    const now = this.options.clock.monotonic();
    const heartbeat = member.heartbeat;
    const stats: NodeStats = {
      memoryTotalBytes: member.announce.hardware?.memoryBytes ?? 0,
      memoryFreeBytes: heartbeat?.memoryFreeBytes ?? 0,
      diskTotalBytes: heartbeat?.diskTotalBytes ?? 0,
      diskFreeBytes: heartbeat?.diskFreeBytes ?? 0,
    };
    const heardAgo = now - (member.lastHeardAt ?? member.learnedAt);
    return this.view(member.announce, false, this.options.table.liveness(member), heardAgo, stats);
  }

  private view(announce: AnnouncePayload, self: boolean, status: NodeView["status"], lastSeenAgoMs: number, stats: NodeStats): NodeView {
    return {
      name: announce.name,
      uuid: announce.uuid,
      self,
      // Outside a cluster every node is regular; list() puts in the roles of members.
      role: "regular",
      status,
      lastSeenAgoMs: Math.max(0, Math.round(lastSeenAgoMs)),
      version: announce.version,
      managementAddress: announce.address,
      brokerPort: announce.brokerPort,
      cpus: announce.hardware?.cpuThreads ?? 0,
      memoryTotalBytes: self ? stats.memoryTotalBytes : (announce.hardware?.memoryBytes ?? 0),
      memoryFreeBytes: stats.memoryFreeBytes,
      diskTotalBytes: stats.diskTotalBytes,
      diskFreeBytes: stats.diskFreeBytes,
      hardware: announce.hardware,
    };
  }
}
