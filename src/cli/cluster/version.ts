import type { Command } from "commander";
import { CLUSTER_STATUS_PATH, ClusterStatusBodySchema, type ClusterStatusBody } from "../../api/local/contract.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { renderInfoEntries } from "../info-block.js";

/** gnt-cluster version's lines, plus which node answered: each node reports its own software. */
export function formatClusterVersion(status: ClusterStatusBody): string[] {
  return renderInfoEntries(
    { "Software version": status.version, "Internode protocol": status.protocolVersion, "Answered by node": status.node },
    "",
  );
}

export function addClusterVersionCommand(program: Command): void {
  const command = program.command("version").description("show the software and protocol versions of the node this runs on");
  addEndpointOption(command).action(async (options: EndpointOptions) => {
    printLines(formatClusterVersion(await getJson(endpointOf(options), CLUSTER_STATUS_PATH, ClusterStatusBodySchema)));
  });
}
