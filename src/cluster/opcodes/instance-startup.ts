import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { nodeNameOf } from "../instances/run-spec.js";
import { filledBeParams, InstanceNameSchema, type Instance } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { startOnPrimary } from "./instance-create.js";
import { BeParamsInputSchema, beOverrides, checkMemoryRange, HvParamsInputSchema } from "./instance-params.js";
import { findInstance, instanceLocks, requireOnline } from "./instance-target.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    force: z.boolean().default(false),
    /** Start without recording that the instance should run. */
    no_remember: z.boolean().default(false),
    ignore_offline_nodes: z.boolean().default(false),
    startup_paused: z.literal(false).optional(),
    /** Parameters for this start only (Ganeti's temporary -H/-B): the configuration keeps its own. */
    hvparams: HvParamsInputSchema.default({}),
    beparams: BeParamsInputSchema.default({}),
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
    checkMemoryRange(instance.name, filledBeParams(withTemporary(instance, params), state.instanceDefaults));
  },
  async run(params, context) {
    const state = context.state();
    const instance = findInstance(state, params.instance_name);
    const started = await startOnPrimary(context, withTemporary(instance, params), nodeNameOf(state, instance.primaryNode));
    const temporary = Object.keys(params.hvparams).length + Object.keys(params.beparams).length > 0;
    if (temporary) {
      await context.log(started ? "The temporary parameters hold until the instance is next shut down, or rebooted hard or full." : "The temporary parameters were not applied: the instance was already running.");
    }
    if (!params.no_remember && instance.adminState !== "up") {
      await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { adminState: "up", adminStateSource: "admin" }, at: context.clock.now() });
    }
    return { result: null, effects: [] };
  },
};

/** The instance as this start runs it: its own overrides, then the temporary ones on top. */
function withTemporary(instance: Instance, params: Params): Instance {
  return { ...instance, beparams: { ...instance.beparams, ...beOverrides(params.beparams) }, hvparams: { ...instance.hvparams, ...params.hvparams } };
}
