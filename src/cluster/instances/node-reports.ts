import { asAlkorError } from "../../model/errors.js";
import type { NodeInstanceReport } from "../../node/instance-rpc-methods.js";
import type { NodeRpcCall } from "../opcodes/definition.js";
import type { ClusterNode, ClusterState } from "../state/schema.js";

export type NodeReportResult = { node: ClusterNode; report: NodeInstanceReport } | { node: ClusterNode; error: string };

const reportTimeoutMs = 5000;

/** Asks every given node for its instance report at once; a node that does not answer gets its error, not a failure of the whole. */
export async function nodeReports(state: ClusterState, nodes: readonly ClusterNode[], call: NodeRpcCall): Promise<NodeReportResult[]> {
  const { fileStorageDir, volumeGroup } = state.instanceDefaults;
  return Promise.all(
    nodes.map(async (node) => {
      try {
        return { node, report: await call(node.name, "instance.report", { storage: { fileStorageDir, volumeGroup } }, reportTimeoutMs) };
      } catch (error) {
        return { node, error: asAlkorError(error).message };
      }
    }),
  );
}
