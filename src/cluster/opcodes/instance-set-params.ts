import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { disksOf, runSpecOf } from "../instances/run-spec.js";
import { filledBeParams, InstanceNameSchema, type Instance, type InstanceChanges } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";
import type { OpcodeContext, OpcodeDefinition } from "./definition.js";
import { newNic } from "./instance-create.js";
import { BeParamsInputSchema, beOverrides, checkMemoryRange, DiskInputSchema, HvParamsInputSchema, NicInputSchema } from "./instance-params.js";
import { findInstance, instanceAndPrimary, instanceLocks } from "./instance-target.js";

/**
 * Ganeti's modification lists: [op, index, params] or the older [op-or-index,
 * params]; index -1 is the end. Kept as given (the queue stores an opcode's
 * parameters as parsed, and parses them again when it runs), read through
 * changesOf().
 */
function modifications<T extends z.ZodType>(params: T) {
  const op = z.union([z.enum(["add", "remove", "modify"]), z.number().int()]);
  return z.array(z.union([z.tuple([op, z.number().int(), params]), z.tuple([op, params])])).max(16);
}

interface Modification<P> {
  op: "add" | "remove" | "modify";
  index: number;
  params: P;
}

function changesOf<P>(list: ReadonlyArray<readonly [string | number, number, P] | readonly [string | number, P]>): Array<Modification<P>> {
  return list.map((entry) => {
    if (entry.length === 3) {
      const [first, index, params] = entry;
      return { op: first === "add" || first === "remove" ? first : "modify", index, params };
    }
    const [first, params] = entry;
    if (typeof first === "number") return { op: "modify", index: first, params };
    return { op: first === "add" || first === "remove" ? first : "modify", index: -1, params };
  });
}

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    beparams: BeParamsInputSchema.default({}),
    hvparams: HvParamsInputSchema.default({}),
    nics: modifications(NicInputSchema.partial()).default([]),
    disks: modifications(DiskInputSchema.partial()).default([]),
    /** Memory of the running instance, MiB: changed at once (balloon), within maxmem. */
    runtime_mem: z.number().int().min(32).optional(),
    /** true: mark offline (stopped, holding nothing); false: back online. */
    offline: z.boolean().optional(),
    osparams: z.record(z.string(), z.string()).optional(),
    force: z.boolean().default(false),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_INSTANCE_SET_PARAMS (alkor-instance modify, PUT /2/instances/NAME/modify). */
export const instanceSetParams: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_SET_PARAMS",
  params: Params,
  locks: (params, state) => instanceLocks(state, params.instance_name),
  sideEffects: true,
  check(params, context) {
    const state = context.state();
    const instance = findInstance(state, params.instance_name);
    const changes = configChanges(params, instance, state, null);
    const nothing = Object.keys(changes).length === 0 && params.runtime_mem === undefined && params.disks.length === 0;
    if (nothing) throw new AlkorError("wrong_input", "No changes given; say what to modify.");
    if (params.offline === true && instance.adminState === "up") throw new AlkorError("wrong_state", `Instance ${instance.name} is marked to be up; shut it down before taking it offline.`);
    if (params.runtime_mem !== undefined) {
      const be = filledBeParams({ beparams: { ...instance.beparams, ...beOverrides(params.beparams) } }, state.instanceDefaults);
      if (params.runtime_mem > be.maxmem) throw new AlkorError("wrong_input", `Instance ${instance.name} cannot have ${params.runtime_mem} MiB at runtime: its maxmem is ${be.maxmem} MiB.`);
      if (instance.adminState !== "up") throw new AlkorError("wrong_state", `Instance ${instance.name} is not running; its runtime memory cannot change.`);
    }
    for (const change of changesOf(params.disks)) {
      if (change.op !== "add") throw new AlkorError("wrong_input", "Disks can only be added here; grow them with alkor-instance grow-disk.");
      if (instance.diskTemplate === "diskless") throw new AlkorError("wrong_input", `Instance ${instance.name} is diskless; it takes no disks.`);
      if (change.params.size === undefined) throw new AlkorError("wrong_input", "A new disk needs a size.");
    }
  },
  async run(params, context) {
    const { state, instance, primary } = instanceAndPrimary(context, params.instance_name);
    const changes = configChanges(params, instance, state, context);
    const added = newDisks(params, instance, context);
    if (added.length > 0) {
      const disks = disksOf({ ...instance, disks: [...instance.disks, ...added] }, state);
      disks.disks = disks.disks.slice(instance.disks.length);
      await context.log(`Creating ${added.length} new disk(s) of instance ${instance.name} on ${primary}.`);
      await context.services.nodeRpc(primary, "instance.disks.create", disks, 10 * 60_000);
      changes.disks = [...instance.disks, ...added];
    }
    if (params.runtime_mem !== undefined) {
      await context.log(`Changing the memory of running instance ${instance.name} to ${params.runtime_mem} MiB.`);
      await context.services.nodeRpc(primary, "instance.setMemory", { name: instance.name, memoryMiB: params.runtime_mem });
    }
    const result: Array<[string, string]> = Object.entries(changes).map(([key]) => [key, "changed"]);
    if (Object.keys(changes).length > 0) {
      await context.propose({ kind: "instance.modify", uuid: instance.uuid, changes, at: context.clock.now() });
      const updated = findInstance(context.state(), instance.name);
      if (updated.adminState !== "offline") {
        await context.services.nodeRpc(primary, "instance.define", { spec: runSpecOf(updated, context.state(), filledBeParams(updated, context.state().instanceDefaults).maxmem) });
      }
      if (instance.adminState === "up" && (changes.beparams || changes.hvparams || changes.nics || changes.disks)) {
        await context.log(`The new parameters of ${instance.name} take effect when it next starts (alkor-instance reboot --type=hard).`);
      }
    }
    if (params.runtime_mem !== undefined) result.push(["runtime_memory", String(params.runtime_mem)]);
    return { result, effects: [] };
  },
};

/** The configuration changes the parameters ask for; NIC MACs are generated only when running (context given). */
function configChanges(params: Params, instance: Instance, state: ClusterState, context: OpcodeContext | null): InstanceChanges {
  const changes: InstanceChanges = {};
  if (Object.keys(params.beparams).length > 0) {
    const beparams = { ...instance.beparams, ...beOverrides(params.beparams) };
    checkMemoryRange(instance.name, filledBeParams({ beparams }, state.instanceDefaults));
    changes.beparams = beparams;
  }
  if (Object.keys(params.hvparams).length > 0) changes.hvparams = { ...instance.hvparams, ...params.hvparams };
  if (params.osparams) changes.osParams = { ...instance.osParams, ...params.osparams };
  if (params.offline !== undefined) {
    if (params.offline) changes.adminState = "offline";
    else if (instance.adminState === "offline") changes.adminState = "down";
    changes.adminStateSource = "admin";
  }
  if (params.nics.length > 0) changes.nics = modifiedNics(params, instance, state, context);
  return changes;
}

function modifiedNics(params: Params, instance: Instance, state: ClusterState, context: OpcodeContext | null): Instance["nics"] {
  const nics = [...instance.nics];
  const used = new Set(Object.values(state.instances).flatMap((other) => other.nics.map((nic) => nic.mac)));
  for (const change of changesOf(params.nics)) {
    const index = change.index === -1 ? nics.length - 1 : change.index;
    if (change.op === "add") {
      if (nics.length >= 8) throw new AlkorError("wrong_input", `Instance ${instance.name} already has 8 NICs, the most it can have.`);
      const mac = change.params.mac;
      if (mac && mac !== "auto" && mac !== "generate" && used.has(mac)) throw new AlkorError("already_exists", `MAC address ${mac} is already in use.`);
      // Validation runs before the job's turn too (no context): a placeholder stands in for the generated MAC.
      const added = context ? newNic(change.params, state.instanceDefaults.macPrefix, used, context) : { uuid: instance.uuid, name: null, mac: "aa:00:00:00:00:00", ip: null, params: {} };
      if (change.index === -1) nics.push(added);
      else if (change.index > nics.length) throw new AlkorError("wrong_input", `Instance ${instance.name} has ${nics.length} NICs; a new one can go at index ${nics.length} at most, not ${change.index}.`);
      else nics.splice(change.index, 0, added);
      continue;
    }
    const nic = nics[index];
    if (!nic) throw new AlkorError("wrong_input", `Instance ${instance.name} has no NIC ${change.index}; it has ${nics.length}.`);
    if (change.op === "remove") {
      nics.splice(index, 1);
      continue;
    }
    const { mac, ip, mode, link, bridge, name } = change.params;
    if (mac && mac !== "auto" && mac !== "generate" && mac !== nic.mac && used.has(mac)) throw new AlkorError("already_exists", `MAC address ${mac} is already in use.`);
    nics[index] = {
      ...nic,
      ...(mac && mac !== "auto" && mac !== "generate" ? { mac } : {}),
      ...(ip !== undefined ? { ip: ip === null || ip === "none" ? null : ip } : {}),
      ...(name !== undefined ? { name } : {}),
      params: { ...nic.params, ...(mode ? { mode } : {}), ...(link ?? bridge ? { link: link ?? bridge } : {}) },
    };
  }
  return nics;
}

function newDisks(params: Params, instance: Instance, context: OpcodeContext): Instance["disks"] {
  return changesOf(params.disks)
    .filter((change) => change.op === "add")
    .map((change) => ({
      uuid: context.services.random.uuid(),
      name: change.params.name ?? null,
      sizeMiB: change.params.size!,
      mode: change.params.mode ?? "rw",
      format: instance.diskTemplate === "file" ? (change.params.format ?? "raw") : "raw",
    }));
}
