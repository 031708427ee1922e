import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { nodeNameOf } from "../instances/run-spec.js";
import { InstanceNameSchema } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { startOnPrimary } from "./instance-create.js";
import { findInstance, instanceLocks, requireOnline } from "./instance-target.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    force: z.boolean().default(false),
    /** Start without recording that the instance should run. */
    no_remember: z.boolean().default(false),
    ignore_offline_nodes: z.boolean().default(false),
    startup_paused: z.literal(false).optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_INSTANCE_STARTUP (alkor-instance startup, PUT /2/instances/NAME/startup): memory between minmem and maxmem, as the node has it free. */
export const instanceStartup: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_STARTUP",
  params: Params,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    const state = context.state();
    const instance = findInstance(state, params.instance_name);
    requireOnline(instance);
    const primary = state.nodes[instance.primaryNode];
    if (primary?.offline) throw new AlkorError("wrong_state", `Instance ${instance.name}'s primary node ${primary.name} is offline.`);
  },
  async run(params, context) {
    const state = context.state();
    const instance = findInstance(state, params.instance_name);
    await startOnPrimary(context, instance.name, nodeNameOf(state, instance.primaryNode));
    if (!params.no_remember && instance.adminState !== "up") {
      await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { adminState: "up", adminStateSource: "admin" }, at: context.clock.now() });
    }
    return { result: null, effects: [] };
  },
};
