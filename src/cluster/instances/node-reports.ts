import { asAlkorError } from "../../model/errors.js";
import type { DiskStoreTemplate, NodeInstanceReport } from "../../node/instance-rpc-methods.js";
import type { NodeRpcCall } from "../opcodes/definition.js";
import type { ClusterNode, ClusterState } from "../state/schema.js";

export type NodeReportResult = { node: ClusterNode; report: NodeInstanceReport } | { node: ClusterNode; error: string };

/** Long enough for a node whose libvirtd starts on this first connection and probes qemu (10-12 s under TCG in the lab). */
export const nodeReportTimeoutMs = 30_000;

/** A listing shows a node that is slow to answer as unreachable rather than waiting for it. */
export const listReportTimeoutMs = 5000;

/**
 * Asks every given node for its instance report at once; a node that does not
 * answer gets its error, not a failure of the whole. Listings wait less than
 * opcodes (timeoutMs), so one slow node does not hold up every list; only
 * placement asks for free space (freeSpaceOf).
 */
export async function nodeReports(
  state: ClusterState,
  nodes: readonly ClusterNode[],
  call: NodeRpcCall,
  { timeoutMs = nodeReportTimeoutMs, freeSpaceOf = [] }: { timeoutMs?: number; freeSpaceOf?: DiskStoreTemplate[] } = {},
): Promise<NodeReportResult[]> {
  const { fileStorageDir, volumeGroup } = state.instanceDefaults;
  return Promise.all(
    nodes.map(async (node) => {
      try {
        return { node, report: await call(node.name, "instance.report", { storage: { fileStorageDir, volumeGroup }, freeSpaceOf }, timeoutMs) };
      } catch (error) {
        return { node, error: asAlkorError(error).message };
      }
    }),
  );
}

/** The reports by node UUID, as instance views read them: a report, or why there is none. */
export function reportsByNodeUuid(results: readonly NodeReportResult[]): Map<string, NodeInstanceReport | { error: string }> {
  return new Map(results.map((result) => [result.node.uuid, "report" in result ? result.report : { error: result.error }]));
}
