import { z } from "zod";
import { AlkorError, asAlkorError } from "../../model/errors.js";
import type { NodeInstanceReport } from "../../node/instance-rpc-methods.js";
import { chooseNodes } from "../instances/placement.js";
import { nodeReportTimeoutMs } from "../instances/node-reports.js";
import { disksOf, runSpecOf } from "../instances/run-spec.js";
import { DiskTemplateSchema, filledBeParams, InstanceNameSchema, type Instance } from "../state/instance-schema.js";
import type { ClusterNode, ClusterState } from "../state/schema.js";
import type { OpcodeContext, OpcodeDefinition } from "./definition.js";
import { BeParamsInputSchema, beOverrides, checkMemoryRange, DiskInputSchema, generateMac, HvParamsInputSchema, NicInputSchema, type NicInput } from "./instance-params.js";
import { findInstance } from "./instance-target.js";
import { findNode } from "./node-target.js";
import { checkOsOnNode } from "./os-check.js";

const Params = z
  .object({
    instance_name: InstanceNameSchema,
    /** Only "create": imports are alkor-backup's (a later issue). */
    mode: z.literal("create").default("create"),
    os_type: z.string().min(1).max(128),
    osparams: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, "OS parameter names are lower-case words"), z.string().max(4096)).default({}),
    disk_template: DiskTemplateSchema,
    disks: z.array(DiskInputSchema).max(16).default([]),
    /** Ganeti gives a new instance one NIC unless told otherwise. */
    nics: z.array(NicInputSchema).max(8).default([{}]),
    pnode: z.string().min(1).optional(),
    snode: z.string().min(1).optional(),
    /** The allocator when no pnode is given; alkor has the built-in one, named hail as in Ganeti. */
    iallocator: z.string().min(1).optional(),
    beparams: BeParamsInputSchema.default({}),
    hvparams: HvParamsInputSchema.default({}),
    start: z.boolean().default(true),
    no_install: z.boolean().default(false),
    hypervisor: z.literal("kvm").optional(),
    // Accepted for Ganeti's clients; alkor neither resolves names nor pings addresses (no traffic it did not create).
    ip_check: z.boolean().optional(),
    name_check: z.boolean().optional(),
    conflicts_check: z.boolean().optional(),
    wait_for_sync: z.boolean().optional(),
    identify_defaults: z.boolean().optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

export const knownAllocators = ["hail"];

/**
 * OP_INSTANCE_CREATE (alkor-instance add, POST /2/instances): places the
 * instance, creates its disks, installs its OS, defines its domain, commits
 * it to the configuration and starts it. A failure before the commit removes
 * what was made on the node, so nothing is left half-created.
 */
export const instanceCreate: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_CREATE",
  params: Params,
  locks: (params) => [
    ...[params.pnode, params.snode].filter((node): node is string => node !== undefined).map((name) => ({ level: "node" as const, name, mode: "shared" as const })),
    { level: "instance", name: params.instance_name, mode: "exclusive" },
  ],
  sideEffects: true,
  check(params, context) {
    const state = context.state();
    if (Object.values(state.instances).some((instance) => instance.name === params.instance_name)) {
      throw new AlkorError("already_exists", `Instance ${params.instance_name} already exists.`);
    }
    const mirrored = false; // drbd is a later issue; every template here keeps its disks on the primary
    if (params.disk_template === "diskless" && params.disks.length > 0) throw new AlkorError("wrong_input", "The diskless template takes no disks.");
    if (params.disk_template !== "diskless" && params.disks.length === 0) throw new AlkorError("wrong_input", `The ${params.disk_template} template needs at least one disk (-s SIZE or --disk 0:size=SIZE).`);
    if (params.disk_template === "plain" && params.disks.some((disk) => disk.format === "qcow2")) throw new AlkorError("wrong_input", "Plain disks are logical volumes; only file disks can be qcow2.");
    if (params.snode !== undefined && !mirrored) throw new AlkorError("wrong_input", `The ${params.disk_template} template is not mirrored; it takes no secondary node.`);
    if (params.pnode === undefined && params.iallocator !== undefined && !knownAllocators.includes(params.iallocator)) {
      throw new AlkorError("wrong_input", `Unknown allocator ${params.iallocator}; alkor has ${knownAllocators.join(", ")}.`);
    }
    if (params.pnode !== undefined) usableNode(state, params.pnode);
    checkMemoryRange(params.instance_name, filledBeParams({ beparams: beOverrides(params.beparams) }, state.instanceDefaults));
    const macs = params.nics.map((nic) => nic.mac).filter((mac) => mac !== undefined && mac !== "auto" && mac !== "generate");
    for (const instance of Object.values(state.instances)) {
      const taken = instance.nics.find((nic) => macs.includes(nic.mac));
      if (taken) throw new AlkorError("already_exists", `MAC address ${taken.mac} is already in use by instance ${instance.name}.`);
    }
  },
  async run(params, context) {
    const state = context.state();
    const { services } = context;
    const instance = newInstance(params, state, context);
    const be = filledBeParams(instance, state.instanceDefaults);
    const diskMiB = instance.disks.reduce((sum, disk) => sum + disk.sizeMiB, 0);
    const primary =
      params.pnode !== undefined
        ? usableNode(state, params.pnode)
        : await chooseNodes(context, { name: instance.name, memoryMiB: be.maxmem, vcpus: be.vcpus, diskTemplate: instance.diskTemplate, diskMiB });
    instance.primaryNode = primary.uuid;
    const freeSpaceOf = instance.diskTemplate === "diskless" ? [] : [instance.diskTemplate];
    const report = await services.nodeRpc(primary.name, "instance.report", { storage: disksOf(instance, state).storage, freeSpaceOf }, nodeReportTimeoutMs);
    checkFits(instance, be.maxmem, diskMiB, primary, report);
    await checkOsOnNode(context, primary.name, instance.os);

    const disks = disksOf(instance, state);
    const made: Array<() => Promise<void>> = [];
    try {
      if (instance.disks.length > 0) {
        await context.log(`Creating ${instance.disks.length} ${instance.diskTemplate} disk(s) of instance ${instance.name} on ${primary.name} (${diskMiB} MiB).`);
        made.push(() => services.nodeRpc(primary.name, "instance.disks.remove", disks).then(() => undefined));
        await services.nodeRpc(primary.name, "instance.disks.create", disks, 10 * 60_000);
      }
      if (!params.no_install) {
        await context.log(`Installing ${instance.os} on instance ${instance.name} (the OS's create script on ${primary.name}).`);
        const { logPath } = await services.nodeRpc(primary.name, "instance.os.run", { script: "create", spec: runSpecOf(instance, state, be.maxmem), os: instance.os, osParams: instance.osParams }, 60 * 60_000);
        await context.log(`The OS is installed; its output is in ${logPath} on ${primary.name}.`);
      }
      // Committed before the domain is defined: the cluster gives the instance its network port (VNC) as it adds it.
      await context.propose({ kind: "instance.add", instance: { ...instance, adminState: params.start ? "up" : "down" } });
      made.push(() => context.propose({ kind: "instance.remove", uuid: instance.uuid }));
      const committed = findInstance(context.state(), instance.name);
      made.push(() => services.nodeRpc(primary.name, "instance.undefine", { name: instance.name }).then(() => undefined));
      await services.nodeRpc(primary.name, "instance.define", { spec: runSpecOf(committed, context.state(), be.maxmem) });
    } catch (error) {
      await context.log(`Creating instance ${instance.name} failed; removing what was made on ${primary.name}.`);
      for (const undo of made.reverse()) {
        await undo().catch((undoError: unknown) => context.log(`Could not clean up on ${primary.name}: ${asAlkorError(undoError).message}`));
      }
      throw error;
    }
    await context.log(`Instance ${instance.name} is in the configuration (UUID ${instance.uuid}).`);
    if (params.start) await startOnPrimary(context, findInstance(context.state(), instance.name), primary.name);
    return { result: [primary.name], effects: [] };
  },
};

/** A node a new instance may use: a member that is vm-capable, not offline and not drained. */
function usableNode(state: ClusterState, name: string): ClusterNode {
  const node = findNode(state, name);
  if (node.offline) throw new AlkorError("wrong_state", `Node ${name} is offline; it cannot take new instances.`);
  if (node.drained) throw new AlkorError("wrong_state", `Node ${name} is drained; it takes no new instances.`);
  if (!node.vmCapable) throw new AlkorError("wrong_state", `Node ${name} is not vm-capable.`);
  return node;
}

function checkFits(instance: Instance, maxmem: number, diskMiB: number, node: ClusterNode, report: NodeInstanceReport): void {
  if (maxmem > report.memoryMiB) {
    throw new AlkorError("insufficient_resources", `Instance ${instance.name} asks for ${maxmem} MiB of memory, more than node ${node.name} has in all (${report.memoryMiB} MiB).`);
  }
  if (instance.diskTemplate === "diskless") return;
  const free = report.storage[instance.diskTemplate];
  if (free === null) throw new AlkorError("wrong_state", `Node ${node.name} has no storage for ${instance.diskTemplate} disks.`);
  if (diskMiB > free) {
    throw new AlkorError("insufficient_resources", `Not enough disk space on node ${node.name} for instance ${instance.name}: ${diskMiB} MiB needed, ${free} MiB free.`);
  }
}

function newInstance(params: Params, state: ClusterState, context: OpcodeContext): Instance {
  const { random } = context.services;
  const used = new Set(Object.values(state.instances).flatMap((instance) => instance.nics.map((nic) => nic.mac)));
  const now = context.clock.now();
  return {
    uuid: random.uuid(),
    name: params.instance_name,
    os: params.os_type,
    osParams: params.osparams,
    primaryNode: "",
    secondaryNodes: [],
    diskTemplate: params.disk_template,
    disks: params.disks.map((disk) => ({ uuid: random.uuid(), name: disk.name ?? null, sizeMiB: disk.size, mode: disk.mode ?? "rw", format: disk.format ?? "raw" })),
    nics: params.nics.map((nic) => newNic(nic, state.instanceDefaults.macPrefix, used, context)),
    beparams: beOverrides(params.beparams),
    hvparams: params.hvparams,
    adminState: "down",
    adminStateSource: "admin",
    disksActive: false,
    createdAt: now,
    modifiedAt: now,
    serial: 1,
    tags: [],
    networkPort: null,
  };
}

export function newNic(nic: NicInput, macPrefix: string, used: Set<string>, context: OpcodeContext): Instance["nics"][number] {
  const mac = nic.mac === undefined || nic.mac === "auto" || nic.mac === "generate" ? generateMac(macPrefix, used, context.services.random.int) : nic.mac;
  used.add(mac);
  const link = nic.link ?? nic.bridge;
  return {
    uuid: context.services.random.uuid(),
    name: nic.name ?? null,
    mac,
    ip: nic.ip === undefined || nic.ip === null || nic.ip === "none" ? null : nic.ip,
    params: { ...(nic.mode ? { mode: nic.mode } : {}), ...(link ? { link } : {}) },
  };
}

/**
 * Starts the instance on its primary with as much of maxmem as the node has
 * free, at least minmem (the manual's rule), defining its domain from the
 * instance as given. Answers false when it was running already.
 */
export async function startOnPrimary(context: OpcodeContext, instance: Instance, primary: string): Promise<boolean> {
  const state = context.state();
  const name = instance.name;
  const be = filledBeParams(instance, state.instanceDefaults);
  const report = await context.services.nodeRpc(primary, "instance.report", { storage: disksOf(instance, state).storage, freeSpaceOf: [] }, nodeReportTimeoutMs);
  const running = report.domains.find((domain) => domain.name === name && domain.state === "running");
  if (running) {
    await context.log(`Instance ${name} is already running on ${primary}.`);
    return false;
  }
  const memoryMiB = Math.min(be.maxmem, report.freeMemoryMiB);
  if (memoryMiB < be.minmem) {
    throw new AlkorError("insufficient_resources", `Not enough memory on node ${primary} to start instance ${name}: ${report.freeMemoryMiB} MiB free, minmem is ${be.minmem} MiB.`);
  }
  await context.log(`Starting instance ${name} on ${primary} with ${memoryMiB} MiB of memory${memoryMiB < be.maxmem ? ` (maxmem ${be.maxmem} MiB does not fit)` : ""}.`);
  await context.services.nodeRpc(primary, "instance.start", { spec: runSpecOf(instance, state, memoryMiB) }, 120_000);
  return true;
}
