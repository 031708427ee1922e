import { z } from "zod";
import { InstanceNameSchema } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { findInstance, instanceAndPrimary, instanceLocks } from "./instance-target.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    /** Seconds the guest gets to shut down cleanly before it is destroyed (Ganeti's default is 120). */
    timeout: z.number().int().min(0).max(86_400).default(120),
    no_remember: z.boolean().default(false),
    force: z.boolean().default(false),
    ignore_offline_nodes: z.boolean().default(false),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_INSTANCE_SHUTDOWN (alkor-instance shutdown, PUT /2/instances/NAME/shutdown). */
export const instanceShutdown: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_SHUTDOWN",
  params: Params,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    findInstance(context.state(), params.instance_name);
  },
  async run(params, context) {
    const { instance, primary } = instanceAndPrimary(context, params.instance_name);
    await context.log(`Shutting down instance ${instance.name} on ${primary} (destroyed after ${params.timeout} s if it does not stop).`);
    const { forced } = await context.services.nodeRpc(primary, "instance.stop", { name: instance.name, timeoutS: params.timeout }, (params.timeout + 30) * 1000);
    if (forced) await context.log(`Instance ${instance.name} did not shut down within ${params.timeout} s; it was destroyed.`);
    if (!params.no_remember && instance.adminState === "up") {
      await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { adminState: "down", adminStateSource: "admin" }, at: context.clock.now() });
    }
    return { result: null, effects: [] };
  },
};
