import { z } from "zod";
import { asAlkorError } from "../../model/errors.js";
import { disksOf } from "../instances/run-spec.js";
import { InstanceNameSchema } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { findInstance, instanceAndPrimary, instanceLocks } from "./instance-target.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    /** Go on past a node that fails, and remove the instance from the configuration anyway (its leftovers are named in the log). */
    ignore_failures: z.boolean().default(false),
    /** Seconds the guest gets to shut down before it is destroyed. */
    shutdown_timeout: z.number().int().min(0).max(86_400).default(120),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_INSTANCE_REMOVE (alkor-instance remove, DELETE /2/instances/NAME): stops the instance, removes its domain and disks, then its configuration. */
export const instanceRemove: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_REMOVE",
  params: Params,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    findInstance(context.state(), params.instance_name);
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    const steps: Array<[string, () => Promise<unknown>]> = [
      [`Shutting down instance ${instance.name} on ${primary}`, () => context.services.nodeRpc(primary, "instance.stop", { name: instance.name, timeoutS: params.shutdown_timeout }, (params.shutdown_timeout + 30) * 1000)],
      [`Removing the domain of ${instance.name} on ${primary}`, () => context.services.nodeRpc(primary, "instance.undefine", { name: instance.name })],
    ];
    if (instance.disks.length > 0) steps.push([`Removing the disks of ${instance.name} on ${primary}`, () => context.services.nodeRpc(primary, "instance.disks.remove", disksOf(instance, state), 10 * 60_000)]);
    for (const [what, step] of steps) {
      await context.log(`${what}.`);
      try {
        await step();
      } catch (error) {
        if (!params.ignore_failures) throw error;
        await context.log(`Ignored a failure (--ignore-failures): ${asAlkorError(error).message}`);
      }
    }
    await context.propose({ kind: "instance.remove", uuid: instance.uuid });
    await context.log(`Instance ${instance.name} is removed from the configuration.`);
    return { result: null, effects: [] };
  },
};
