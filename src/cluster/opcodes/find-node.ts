import { AlkorError } from "../../model/errors.js";
import type { ClusterNode, ClusterState } from "../state/schema.js";

/** The member of that name, or unknown_entity naming it. */
export function findNode(state: ClusterState, name: string): ClusterNode {
  const node = Object.values(state.nodes).find((candidate) => candidate.name === name);
  if (!node) throw new AlkorError("unknown_entity", `Node ${name} is not a member of the cluster.`, { node: name });
  return node;
}
