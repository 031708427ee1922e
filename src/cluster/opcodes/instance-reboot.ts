import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { nodeReportTimeoutMs } from "../instances/node-reports.js";
import { disksOf, runSpecOf } from "../instances/run-spec.js";
import { filledBeParams, InstanceNameSchema } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { startOnPrimary } from "./instance-create.js";
import { findInstance, instanceAndPrimary, instanceLocks, requireOnline } from "./instance-target.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    /** soft: the guest reboots itself (ACPI); hard: the domain is destroyed and started; full: shut down, disks deactivated and activated, started. */
    reboot_type: z.enum(["soft", "hard", "full"]).default("hard"),
    shutdown_timeout: z.number().int().min(0).max(86_400).default(120),
    ignore_secondaries: z.boolean().default(false),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_INSTANCE_REBOOT (alkor-instance reboot, POST /2/instances/NAME/reboot); a stopped instance is started, as Ganeti does. */
export const instanceReboot: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_REBOOT",
  params: Params,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    requireOnline(findInstance(context.state(), params.instance_name));
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    const report = await context.services.nodeRpc(primary, "instance.report", { storage: disksOf(instance, state).storage, freeSpaceOf: [] }, nodeReportTimeoutMs);
    const domain = report.domains.find((candidate) => candidate.name === instance.name);
    if (domain?.state !== "running") {
      await context.log(`Instance ${instance.name} is not running; starting it.`);
      await startOnPrimary(context, instance, primary);
    } else {
      const memoryMiB = Math.min(domain.memoryMiB, filledBeParams(instance, state.instanceDefaults).maxmem);
      if (memoryMiB < 1) throw new AlkorError("internal_error", `Node ${primary} reported no memory for instance ${instance.name}.`);
      await context.log(`Rebooting instance ${instance.name} on ${primary} (${params.reboot_type}).`);
      await context.services.nodeRpc(primary, "instance.reboot", { spec: runSpecOf(instance, state, memoryMiB), type: params.reboot_type, timeoutS: params.shutdown_timeout }, (params.shutdown_timeout + 150) * 1000);
    }
    if (instance.adminState !== "up") {
      await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { adminState: "up", adminStateSource: "admin" }, at: context.clock.now() });
    }
    return { result: null, effects: [] };
  },
};
