import type { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeDefinition } from "./definition.js";
import { findNode, NodeNameParams, nodeMembershipLocks } from "./node-target.js";

const Params = NodeNameParams;
type Params = z.infer<typeof Params>;

/** OP_NODE_REMOVE: takes a node out of the cluster; the node is told to forget it (alkor-node remove). */
export const nodeRemove: OpcodeDefinition<Params> = {
  id: "OP_NODE_REMOVE",
  params: Params,
  locks: nodeMembershipLocks,
  sideEffects: true,
  check(params, context) {
    const node = findNode(context.state(), params.node_name);
    if (node.name === context.masterName) throw new AlkorError("wrong_state", `Node ${node.name} is the master; fail over to another node before removing it.`);
  },
  async run(params, context) {
    const node = findNode(context.state(), params.node_name);
    await context.propose({ kind: "node.remove", uuid: node.uuid });
    // A node that is down is told nothing, and that is fine: it was removed, and a removed node does not come back by itself.
    await context.services.evict(node.name).catch((error: unknown) => context.log(`Node ${node.name} could not be told it was removed: ${(error as Error).message}`));
    return { result: null, effects: [] };
  },
};
