import { AlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import { allocatorDiskTemplates, storageKinds, type AllocationRequest, type AllocatorInstance, type AllocatorNode } from "./model.js";

/**
 * Checks the allocator's input before any arithmetic, so a bad figure from a
 * node is reported as such rather than turning into a strange placement.
 * Figures are whole MiB, as Ganeti's IAllocator protocol passes them.
 */

export function validateRequest(request: AllocationRequest): void {
  if (typeof request !== "object" || request === null) throw wrongInput("The allocation request must be an object.");
  checkName(request.name, "The instance name");
  const what = `Instance ${request.name}`;
  if (!(allocatorDiskTemplates as readonly unknown[]).includes(request.diskTemplate)) {
    throw wrongInput(`${what}: unknown disk template ${JSON.stringify(request.diskTemplate)}; the allocator knows ${allocatorDiskTemplates.join(", ")}.`);
  }
  checkMiB(request.memoryMiB, `${what}'s memory`, 1);
  checkMiB(request.vcpus, `${what}'s vcpus count`, 1);
  checkMiB(request.diskMiB, `${what}'s disk size`);
  if (request.diskTemplate === "diskless" && request.diskMiB > 0) {
    throw wrongInput(`${what} is diskless but asks for ${request.diskMiB} MiB of disk.`);
  }
}

export function validateNodes(nodes: readonly AllocatorNode[]): void {
  if (!Array.isArray(nodes)) throw wrongInput("The allocator's nodes must be a list.");
  const seen = new Set<string>();
  for (const node of nodes) {
    checkName(node.name, "A node name");
    if (seen.has(node.name)) throw wrongInput(`Node ${node.name} is given twice.`);
    seen.add(node.name);
    for (const flag of ["offline", "drained", "vmCapable"] as const) {
      if (typeof node[flag] !== "boolean") throw wrongInput(`Node ${node.name}: ${flag} must be true or false.`);
    }
    checkMiB(node.memoryTotalMiB, `Node ${node.name}'s total memory`);
    checkMiB(node.memoryFreeMiB, `Node ${node.name}'s free memory`);
    if (node.memoryFreeMiB > node.memoryTotalMiB) {
      throw wrongInput(`Node ${node.name} reports ${node.memoryFreeMiB} MiB free memory out of ${node.memoryTotalMiB} MiB.`);
    }
    checkStorage(node);
  }
}

export function validateInstances(instances: readonly AllocatorInstance[], nodes: readonly AllocatorNode[]): void {
  if (!Array.isArray(instances)) throw wrongInput("The allocator's instances must be a list.");
  const nodeNames = new Set(nodes.map((node) => node.name));
  const seen = new Set<string>();
  for (const instance of instances) {
    checkName(instance.name, "An instance name");
    if (seen.has(instance.name)) throw wrongInput(`Instance ${instance.name} is given twice.`);
    seen.add(instance.name);
    if (!nodeNames.has(instance.primary)) {
      throw wrongInput(`Instance ${instance.name}'s primary node ${JSON.stringify(instance.primary)} is not among the nodes given.`);
    }
    if (instance.secondary !== null) {
      if (!nodeNames.has(instance.secondary)) {
        throw wrongInput(`Instance ${instance.name}'s secondary node ${JSON.stringify(instance.secondary)} is not among the nodes given.`);
      }
      if (instance.secondary === instance.primary) throw wrongInput(`Instance ${instance.name} has ${instance.primary} as both primary and secondary.`);
    }
    checkMiB(instance.memoryMiB, `Instance ${instance.name}'s memory`);
    if (typeof instance.running !== "boolean") throw wrongInput(`Instance ${instance.name}: running must be true or false.`);
  }
}

function checkStorage(node: AllocatorNode): void {
  const free = node.diskFreeMiB;
  const total = node.diskTotalMiB;
  if (typeof free !== "object" || free === null || typeof total !== "object" || total === null) {
    throw wrongInput(`Node ${node.name}: diskFreeMiB and diskTotalMiB must be objects keyed by storage kind (${storageKinds.join(", ")}).`);
  }
  for (const key of new Set([...Object.keys(free), ...Object.keys(total)])) {
    if (!(storageKinds as readonly string[]).includes(key)) {
      throw wrongInput(`Node ${node.name}: unknown storage kind ${JSON.stringify(key)}; the allocator knows ${storageKinds.join(", ")}.`);
    }
  }
  for (const kind of storageKinds) {
    const freeMiB = free[kind];
    const totalMiB = total[kind];
    if (freeMiB === undefined && totalMiB === undefined) continue;
    if (freeMiB === undefined || totalMiB === undefined) {
      throw wrongInput(`Node ${node.name}: ${kind} storage needs both its free and its total size, or neither.`);
    }
    checkMiB(freeMiB, `Node ${node.name}'s free ${kind} disk`);
    checkMiB(totalMiB, `Node ${node.name}'s total ${kind} disk`);
    if (freeMiB > totalMiB) throw wrongInput(`Node ${node.name} reports ${freeMiB} MiB free ${kind} disk out of ${totalMiB} MiB.`);
  }
}

function checkName(name: unknown, what: string): void {
  // Instance and node names are host names, as in Ganeti (InstanceNameSchema is NodeNameSchema).
  if (!NodeNameSchema.safeParse(name).success) {
    throw wrongInput(`${what} ${JSON.stringify(name)} is not a host name (letters, digits, dots and dashes, at most 253 characters).`);
  }
}

function checkMiB(value: unknown, what: string, minimum = 0): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < minimum) {
    const expected = minimum === 0 ? "a non-negative whole number" : `a whole number of at least ${minimum}`;
    throw wrongInput(`${what} must be ${expected}, not ${typeof value === "number" ? String(value) : JSON.stringify(value)}.`);
  }
}

function wrongInput(message: string): AlkorError {
  return new AlkorError("wrong_input", message);
}
