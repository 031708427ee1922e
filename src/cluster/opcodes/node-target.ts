import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import type { ClusterNode, ClusterState } from "../state/schema.js";

/** The member of that name, or unknown_entity naming it. */
export function findNode(state: ClusterState, name: string): ClusterNode {
  const node = Object.values(state.nodes).find((candidate) => candidate.name === name);
  if (!node) throw new AlkorError("unknown_entity", `Node ${name} is not a member of the cluster.`, { node: name });
  return node;
}

/** The parameters of opcodes that act on one node (OP_NODE_ADD, OP_NODE_REMOVE). */
export const NodeNameParams = z.object({ node_name: NodeNameSchema }).strict();

/** What adding or removing a node locks: the cluster shared (the pool may change), the node alone. */
export function nodeMembershipLocks(params: { node_name: string }) {
  return [
    { level: "cluster" as const, name: "cluster", mode: "shared" as const },
    { level: "node" as const, name: params.node_name, mode: "exclusive" as const },
  ];
}
