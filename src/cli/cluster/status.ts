import type { Command } from "commander";
import { CLUSTER_STATUS_PATH, ClusterStatusBodySchema, type ClusterStatusBody } from "../../api/local/contract.js";
import { addEndpointOption, addJsonOption, endpointOf, printJson, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { renderInfoEntries } from "../info-block.js";

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

/** This node's own view of the cluster; fields it cannot know (no cluster, no quorum yet) show as none. */
export function formatClusterStatus(status: ClusterStatusBody): string[] {
  return renderInfoEntries(
    {
      Node: status.node,
      "Cluster member": yesNo(status.member),
      Cluster: status.clusterName === null ? null : `${status.clusterName} (${status.clusterUuid ?? "no UUID"})`,
      "Raft role": status.raftRole,
      Term: status.term,
      "Commit index": status.commitIndex,
      "Master node": status.master,
      "Voting nodes": status.voters === null ? null : status.voters.join(", "),
      "Holds master lease": yesNo(status.holdsLease),
      "Quorum contact": status.quorumContactAgeMs === null ? null : `${(status.quorumContactAgeMs / 1000).toFixed(1)}s ago`,
      "Self-fence due": yesNo(status.selfFenceDue),
      Formation: status.formation,
    },
    "",
  );
}

export function addClusterStatusCommand(program: Command): void {
  const command = program
    .command("status")
    .description("show this node's own view of the cluster; answers without a master, in a minority too");
  addJsonOption(addEndpointOption(command)).action(async (options: EndpointOptions & { json?: boolean }) => {
    const status = await getJson(endpointOf(options), CLUSTER_STATUS_PATH, ClusterStatusBodySchema);
    if (options.json) printJson(status);
    else printLines(formatClusterStatus(status));
  });
}
