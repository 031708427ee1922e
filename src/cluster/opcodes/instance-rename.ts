import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { runSpecOf } from "../instances/run-spec.js";
import { filledBeParams, InstanceNameSchema } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { findInstance, instanceAndPrimary, instanceLocks, requireStopped } from "./instance-target.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    new_name: InstanceNameSchema,
    ip_check: z.boolean().optional(),
    name_check: z.boolean().optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_INSTANCE_RENAME (alkor-instance rename): the domain is redefined under the new name and the OS's rename script runs. */
export const instanceRename: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_RENAME",
  params: Params,
  locks: (params, state) => [...instanceLocks(state, params.instance_name), { level: "instance", name: params.new_name, mode: "exclusive" }],
  sideEffects: true,
  check(params, context) {
    const state = context.state();
    const instance = findInstance(state, params.instance_name);
    requireStopped(instance, "renaming it");
    if (params.new_name === params.instance_name) throw new AlkorError("wrong_input", `Instance ${params.instance_name} already has that name.`);
    if (Object.values(state.instances).some((other) => other.name === params.new_name)) throw new AlkorError("already_exists", `Instance ${params.new_name} already exists.`);
  },
  async run(params, context) {
    const { instance, primary } = instanceAndPrimary(context, params.instance_name);
    await context.log(`Renaming instance ${instance.name} to ${params.new_name}.`);
    await context.services.nodeRpc(primary, "instance.undefine", { name: instance.name });
    await context.propose({ kind: "instance.rename", uuid: instance.uuid, name: params.new_name, at: context.clock.now() });
    const renamed = findInstance(context.state(), params.new_name);
    const spec = runSpecOf(renamed, context.state(), filledBeParams(renamed, context.state().instanceDefaults).maxmem);
    await context.services.nodeRpc(primary, "instance.define", { spec });
    await context.log(`Running the OS's rename script on ${primary}.`);
    await context.services.nodeRpc(primary, "instance.os.run", { script: "rename", spec, os: renamed.os, osParams: renamed.osParams, oldName: instance.name }, 10 * 60_000);
    return { result: params.new_name, effects: [] };
  },
};
