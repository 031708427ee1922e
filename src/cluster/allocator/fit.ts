import { isMirrored, storageOf, type AllocationRequest, type AllocatorNode } from "./model.js";

/** Whether one node can take the new instance, and in which role; each problem is a phrase for the operator. */
export interface NodeFit {
  node: AllocatorNode;
  /** Why the node takes no new instance at all: offline, drained, not vm_capable (Ganeti's hail skips them too). */
  excluded: string[];
  /** Why it cannot be the primary; empty when it can. */
  asPrimary: string[];
  /** Why it cannot be the secondary of a mirrored instance; empty when it can. */
  asSecondary: string[];
}

export function nodeFit(node: AllocatorNode, request: AllocationRequest): NodeFit {
  const excluded = [node.offline ? "offline" : null, node.drained ? "drained" : null, node.vmCapable ? null : "not vm_capable"].filter(
    (reason): reason is string => reason !== null,
  );
  const disk = diskProblems(node, request);
  const memory =
    node.memoryFreeMiB >= request.memoryMiB ? [] : [`${node.memoryFreeMiB} MiB free memory, ${request.memoryMiB} MiB needed`];
  // A drbd instance holds its disks on both nodes (counted on both), but runs, and takes memory, only on its primary.
  return { node, excluded, asPrimary: [...memory, ...disk], asSecondary: isMirrored(request.diskTemplate) ? disk : ["the template has no secondary"] };
}

function diskProblems(node: AllocatorNode, request: AllocationRequest): string[] {
  const storage = storageOf(request.diskTemplate);
  if (storage === null) return [];
  const free = node.diskFreeMiB[storage];
  if (free === undefined) {
    return [request.diskTemplate === storage ? `no ${storage} storage` : `no ${storage} storage, which ${request.diskTemplate} disks sit on`];
  }
  return free >= request.diskMiB ? [] : [`${free} MiB free ${storage} disk, ${request.diskMiB} MiB needed`];
}
