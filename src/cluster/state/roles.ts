import type { NodeRole } from "../../model/node.js";
import type { ClusterNode, ClusterState } from "./schema.js";

/** A node's one role, as the manual lists them: the master is whoever Raft elected. */
export function roleOf(node: ClusterNode, masterUuid: string | null): NodeRole {
  if (node.uuid === masterUuid) return "master";
  if (node.offline) return "offline";
  if (node.drained) return "drained";
  return node.masterCandidate ? "candidate" : "regular";
}

export function rolesOf(state: ClusterState, masterUuid: string | null): Map<string, NodeRole> {
  return new Map(Object.values(state.nodes).map((node) => [node.uuid, roleOf(node, masterUuid)]));
}
