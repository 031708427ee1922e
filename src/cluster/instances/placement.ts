import { allocate } from "../allocator/index.js";
import type { OpcodeContext } from "../opcodes/definition.js";
import type { DiskTemplate } from "../state/instance-schema.js";
import type { ClusterNode } from "../state/schema.js";
import { allocatorInstances, allocatorNodes } from "./allocator-input.js";
import { nodeReports } from "./node-reports.js";

export interface PlacementRequest {
  name: string;
  memoryMiB: number;
  vcpus: number;
  diskTemplate: DiskTemplate;
  diskMiB: number;
}

/** Chooses the primary node with the built-in allocator (hail), logging its reasons in the job. */
export async function chooseNodes(context: OpcodeContext, request: PlacementRequest): Promise<ClusterNode> {
  const state = context.state();
  const candidates = Object.values(state.nodes).sort((a, b) => a.name.localeCompare(b.name));
  const reports = await nodeReports(state, candidates, context.services.nodeRpc, { freeSpaceOf: request.diskTemplate === "diskless" ? [] : [request.diskTemplate] });
  for (const result of reports) {
    if ("error" in result) await context.log(`Allocator: ${result.node.name} is left out: it did not report (${result.error}).`);
  }
  const nodes = allocatorNodes(state, reports);
  const allocation = allocate(request, nodes, allocatorInstances(state, nodes));
  for (const line of allocation.explanation) await context.log(`Allocator: ${line}`);
  return candidates.find((node) => node.name === allocation.primary)!;
}
