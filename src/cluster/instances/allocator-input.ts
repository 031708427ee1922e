import type { AllocatorInstance, AllocatorNode } from "../allocator/index.js";
import { filledBeParams } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";
import type { NodeReportResult } from "./node-reports.js";

/** Nodes as the allocator weighs them: the configuration's flags with what each node reported. Nodes that did not answer are left out. */
export function allocatorNodes(state: ClusterState, reports: readonly NodeReportResult[]): AllocatorNode[] {
  return reports.flatMap((result): AllocatorNode[] => {
    if (!("report" in result)) return [];
    const { node, report } = result;
    const diskFreeMiB: AllocatorNode["diskFreeMiB"] = {};
    const diskTotalMiB: AllocatorNode["diskTotalMiB"] = {};
    for (const kind of ["file", "plain"] as const) {
      const free = report.storage[kind];
      if (free === null) continue;
      diskFreeMiB[kind] = free;
      // The node reports free space only; what this cluster's disks hold there is the rest we know of.
      diskTotalMiB[kind] = free + usedByInstances(state, node.uuid, kind);
    }
    return [
      {
        name: node.name,
        offline: node.offline,
        drained: node.drained,
        vmCapable: node.vmCapable,
        memoryTotalMiB: report.memoryMiB,
        memoryFreeMiB: Math.min(report.freeMemoryMiB, report.memoryMiB),
        diskFreeMiB,
        diskTotalMiB,
      },
    ];
  });
}

/** Instances as the allocator counts them, those on the given nodes only (a node that did not report cannot be weighed). */
export function allocatorInstances(state: ClusterState, nodes: readonly AllocatorNode[]): AllocatorInstance[] {
  const known = new Set(nodes.map((node) => node.name));
  const onKnownNodes = (instance: AllocatorInstance) => known.has(instance.primary) && (instance.secondary === null || known.has(instance.secondary));
  return Object.values(state.instances).map((instance): AllocatorInstance => ({
    name: instance.name,
    primary: state.nodes[instance.primaryNode]?.name ?? instance.primaryNode,
    secondary: instance.secondaryNodes[0] === undefined ? null : (state.nodes[instance.secondaryNodes[0]]?.name ?? instance.secondaryNodes[0]),
    memoryMiB: filledBeParams(instance, state.instanceDefaults).maxmem,
    running: instance.adminState === "up",
  })).filter(onKnownNodes);
}

function usedByInstances(state: ClusterState, nodeUuid: string, kind: "file" | "plain"): number {
  return Object.values(state.instances)
    .filter((instance) => instance.primaryNode === nodeUuid && instance.diskTemplate === kind)
    .reduce((sum, instance) => sum + instance.disks.reduce((disks, disk) => disks + disk.sizeMiB, 0), 0);
}
