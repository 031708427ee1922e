import { z } from "zod";
import { NodeViewSchema, type NodeView } from "../../model/node.js";

/** What `alkor-node info` shows about one node: the view plus what the node reports of itself. */
export const NodeInfoSchema = z.object({
  node: NodeViewSchema,
  /** The node's hardware inventory, fetched from the node over RPC; null when that failed. */
  inventory: z.unknown().nullable(),
  /** The hardware profile the node matched, as the node reports it. */
  profile: z.unknown().nullable(),
  /** Why the inventory is null (the node is dead, the RPC timed out, ...). */
  inventoryError: z.string().optional(),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;

/** The agent's knowledge of the cluster's nodes, as the local control API serves it. */
export interface NodeDirectory {
  /** The cluster's nodes with their roles (a linearizable read), or every node this agent knows before it joins a cluster. */
  list(): Promise<NodeView[]>;
  /**
   * Details of one node. Rejects with AlkorError("unknown_entity") for a
   * name it does not know; an unreachable node is not an error (inventory null).
   */
  info(name: string): Promise<NodeInfo>;
}
