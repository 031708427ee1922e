import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { disksOf } from "../instances/run-spec.js";
import { InstanceNameSchema } from "../state/instance-schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { findInstance, instanceAndPrimary, instanceLocks, requireStopped } from "./instance-target.js";

const ActivateParams = z.object({ instance_name: InstanceNameSchema, ignore_size: z.boolean().default(false), wait_for_sync: z.boolean().optional() }).strict();
type ActivateParams = z.infer<typeof ActivateParams>;

/** OP_INSTANCE_ACTIVATE_DISKS (alkor-instance activate-disks): the result lists node:disk/N:path, as Ganeti prints it. */
export const instanceActivateDisks: OpcodeDefinition<ActivateParams> = {
  id: "OP_INSTANCE_ACTIVATE_DISKS",
  params: ActivateParams,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    const instance = findInstance(context.state(), params.instance_name);
    if (instance.disks.length === 0) throw new AlkorError("wrong_input", `Instance ${instance.name} has no disks.`);
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    const { paths } = await context.services.nodeRpc(primary, "instance.disks.activate", disksOf(instance, state), 120_000);
    if (!instance.disksActive) await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { disksActive: true }, at: context.clock.now() });
    return { result: paths.map((path, index) => [primary, `disk/${index}`, path]), effects: [] };
  },
};

const DeactivateParams = z.object({ instance_name: InstanceNameSchema, force: z.boolean().default(false) }).strict();
type DeactivateParams = z.infer<typeof DeactivateParams>;

/** OP_INSTANCE_DEACTIVATE_DISKS (alkor-instance deactivate-disks): refused while the instance should run. */
export const instanceDeactivateDisks: OpcodeDefinition<DeactivateParams> = {
  id: "OP_INSTANCE_DEACTIVATE_DISKS",
  params: DeactivateParams,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    const instance = findInstance(context.state(), params.instance_name);
    if (!params.force) requireStopped(instance, "deactivating its disks");
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    await context.services.nodeRpc(primary, "instance.disks.deactivate", disksOf(instance, state), 120_000);
    if (instance.disksActive) await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { disksActive: false }, at: context.clock.now() });
    return { result: null, effects: [] };
  },
};

const RecreateParams = z
  .object({
    instance_name: InstanceNameSchema,
    /** Disk indices to recreate (Ganeti also takes [index, params]); all when empty. */
    disks: z.array(z.union([z.number().int().min(0), z.tuple([z.number().int().min(0), z.object({}).passthrough()])])).default([]),
    nodes: z.array(z.string()).max(0, "alkor recreates disks on the instance's own primary node only").default([]),
  })
  .strict();
type RecreateParams = z.infer<typeof RecreateParams>;

/** OP_INSTANCE_RECREATE_DISKS (alkor-instance recreate-disks): makes disks that are missing anew, empty; a disk still present is left as it is. */
export const instanceRecreateDisks: OpcodeDefinition<RecreateParams> = {
  id: "OP_INSTANCE_RECREATE_DISKS",
  params: RecreateParams,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    const instance = findInstance(context.state(), params.instance_name);
    requireStopped(instance, "recreating its disks");
    for (const index of indicesOf(params)) {
      if (!instance.disks[index]) throw new AlkorError("wrong_input", `Instance ${instance.name} has no disk ${index}; it has ${instance.disks.length}.`);
    }
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    const wanted = indicesOf(params);
    const all = disksOf(instance, state);
    const chosen = { ...all, disks: all.disks.filter((disk) => wanted.length === 0 || wanted.includes(disk.index)) };
    const recreated: number[] = [];
    for (const disk of chosen.disks) {
      const one = { ...chosen, disks: [disk] };
      const present = await context.services.nodeRpc(primary, "instance.disks.activate", one, 120_000).then(() => true, () => false);
      if (present) {
        await context.log(`Disk ${disk.index} of ${instance.name} is present; it is left as it is.`);
        continue;
      }
      await context.log(`Recreating disk ${disk.index} of ${instance.name} on ${primary} (${disk.sizeMiB} MiB, empty).`);
      await context.services.nodeRpc(primary, "instance.disks.create", one, 10 * 60_000);
      recreated.push(disk.index);
    }
    if (recreated.length === 0) await context.log(`Every chosen disk of ${instance.name} is present on ${primary}; nothing was recreated.`);
    return { result: recreated, effects: [] };
  },
};

function indicesOf(params: RecreateParams): number[] {
  return params.disks.map((entry) => (typeof entry === "number" ? entry : entry[0]));
}

const GrowParams = z
  .object({
    instance_name: InstanceNameSchema,
    disk: z.number().int().min(0),
    /** MiB to add, or the new size with absolute. */
    amount: z.number().int().min(1),
    absolute: z.boolean().default(false),
    wait_for_sync: z.boolean().optional(),
    ignore_ipolicy: z.boolean().optional(),
  })
  .strict();
type GrowParams = z.infer<typeof GrowParams>;

/** OP_INSTANCE_GROW_DISK (alkor-instance grow-disk): disks only grow; the guest sees the new size after a restart. */
export const instanceGrowDisk: OpcodeDefinition<GrowParams> = {
  id: "OP_INSTANCE_GROW_DISK",
  params: GrowParams,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    const instance = findInstance(context.state(), params.instance_name);
    const disk = instance.disks[params.disk];
    if (!disk) throw new AlkorError("wrong_input", `Instance ${instance.name} has no disk ${params.disk}; it has ${instance.disks.length}.`);
    const newSize = params.absolute ? params.amount : disk.sizeMiB + params.amount;
    if (newSize <= disk.sizeMiB) throw new AlkorError("wrong_input", `Disk ${params.disk} of ${instance.name} is ${disk.sizeMiB} MiB; a disk can only grow, not become ${newSize} MiB.`);
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    const disk = instance.disks[params.disk]!;
    const newSizeMiB = params.absolute ? params.amount : disk.sizeMiB + params.amount;
    const all = disksOf(instance, state);
    await context.log(`Growing disk ${params.disk} of ${instance.name} from ${disk.sizeMiB} to ${newSizeMiB} MiB on ${primary}.`);
    await context.services.nodeRpc(primary, "instance.disks.grow", { ...all, disks: all.disks.filter((one) => one.index === params.disk), newSizeMiB }, 10 * 60_000);
    const disks = instance.disks.map((one, index) => (index === params.disk ? { ...one, sizeMiB: newSizeMiB } : one));
    await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes: { disks }, at: context.clock.now() });
    return { result: null, effects: [] };
  },
};
