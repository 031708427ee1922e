import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import type { ClusterState, NodeFlags } from "../state/schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { findNode } from "./node-target.js";

const Params = z
  .object({
    node_name: NodeNameSchema,
    master_candidate: z.boolean().nullable().optional(),
    offline: z.boolean().nullable().optional(),
    drained: z.boolean().nullable().optional(),
    master_capable: z.boolean().nullable().optional(),
    vm_capable: z.boolean().nullable().optional(),
    force: z.boolean().default(false),
    /** Ganeti's: demote anyway and let another node be promoted; alkor's master refills the pool by itself, so this is --force. */
    auto_promote: z.boolean().default(false),
  })
  .strict();
type Params = z.infer<typeof Params>;

function changesOf(params: Params): Partial<NodeFlags> {
  const changes: Partial<NodeFlags> = {};
  if (params.master_candidate != null) changes.masterCandidate = params.master_candidate;
  if (params.offline != null) changes.offline = params.offline;
  if (params.drained != null) changes.drained = params.drained;
  if (params.master_capable != null) changes.masterCapable = params.master_capable;
  if (params.vm_capable != null) changes.vmCapable = params.vm_capable;
  return changes;
}

/** OP_NODE_SET_PARAMS: a node's role and flags (alkor-node modify, PUT /2/nodes/N/role). */
export const nodeSetParams: OpcodeDefinition<Params> = {
  id: "OP_NODE_SET_PARAMS",
  params: Params,
  locks: (params) => [{ level: "node", name: params.node_name, mode: "exclusive" }],
  sideEffects: false,
  check(params, context) {
    const state = context.state();
    const node = findNode(state, params.node_name);
    const changes = changesOf(params);
    const name = params.node_name;
    if (Object.keys(changes).length === 0) throw new AlkorError("wrong_input", "Nothing to change: give at least one of -C, -D, -O, --master-capable, --vm-capable.");
    const demotes = changes.masterCandidate === false || changes.drained === true || changes.offline === true || changes.masterCapable === false;
    if (node.name === context.masterName && demotes) {
      throw new AlkorError("wrong_state", `Node ${name} is the master; its role can be changed only after master-failover to another node.`);
    }
    if (demotes && node.masterCandidate && !params.force && !params.auto_promote) {
      const staysEligible = changes.drained !== true && changes.offline !== true && changes.masterCapable !== false;
      const { have, want } = candidatesAfterDemoting(state, node.uuid, staysEligible);
      if (have < want) {
        throw new AlkorError(
          "wrong_state",
          `Demoting ${name} would leave ${have} master candidates where the pool needs ${want}; use --force to do it anyway (another node is then promoted if one can be).`,
        );
      }
    }
  },
  async run(params, context) {
    const node = findNode(context.state(), params.node_name);
    const changes = changesOf(params);
    const result = Object.entries({ master_candidate: changes.masterCandidate, offline: changes.offline, drained: changes.drained, master_capable: changes.masterCapable, vm_capable: changes.vmCapable })
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]);
    return { result, effects: [{ kind: "node.modify", uuid: node.uuid, changes, byOperator: true }] };
  },
};

/** How many candidates remain if one is demoted, against how many the pool wants of the nodes eligible afterwards. */
function candidatesAfterDemoting(state: ClusterState, uuid: string, staysEligible: boolean): { have: number; want: number } {
  const others = Object.values(state.nodes).filter((node) => node.uuid !== uuid);
  const eligible = others.filter((node) => node.masterCapable && !node.drained && !node.offline).length + (staysEligible ? 1 : 0);
  const have = others.filter((node) => node.masterCandidate).length;
  return { have, want: Math.min(state.cluster?.candidatePoolSize ?? 0, eligible) };
}

