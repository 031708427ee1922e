import type { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeDefinition } from "./definition.js";
import { NodeNameParams, nodeMembershipLocks } from "./node-target.js";

const Params = NodeNameParams;
type Params = z.infer<typeof Params>;

/** OP_NODE_ADD: admits a node this master discovered on the management network; it needs no join token (alkor-node add). */
export const nodeAdd: OpcodeDefinition<Params> = {
  id: "OP_NODE_ADD",
  params: Params,
  locks: nodeMembershipLocks,
  sideEffects: true,
  check(params, context) {
    const name = params.node_name;
    const state = context.state();
    if (Object.values(state.nodes).some((node) => node.name === name)) {
      throw new AlkorError("already_exists", `Node ${name} is already a member of cluster ${state.cluster?.name}.`);
    }
    const peer = context.services.discovered().find((candidate) => candidate.name === name);
    if (!peer) throw new AlkorError("unknown_entity", `No node named ${name} has been discovered; is its agent running and on the management network?`);
    if (!peer.alive) throw new AlkorError("wrong_state", `Node ${name} is not alive; it cannot be added.`);
    if (peer.cluster !== null) throw new AlkorError("wrong_state", `Node ${name} already belongs to cluster ${peer.cluster.name}.`);
  },
  async run(params, context) {
    const name = params.node_name;
    const peer = context.services.discovered().find((candidate) => candidate.name === name)!;
    await context.propose({
      kind: "node.add",
      node: { uuid: peer.uuid, name, address: peer.address, brokerPort: peer.brokerPort, masterCandidate: false, drained: false, offline: false, masterCapable: true, vmCapable: true },
      at: context.clock.now(),
    });
    await context.log(`Node ${name} is in the cluster's configuration; telling it to follow the master.`);
    await context.services.adopt(name);
    return { result: null, effects: [] };
  },
};
