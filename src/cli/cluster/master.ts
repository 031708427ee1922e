import type { Command } from "commander";
import { CLUSTER_FAILOVER_PATH, CLUSTER_MASTER_PATH, ClusterMasterBodySchema } from "../../api/local/contract.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson, requestJson } from "../endpoint.js";

/** getmaster prints the name alone, as gnt-cluster getmaster does, for scripts. */
export function addClusterGetmasterCommand(program: Command): void {
  const command = program.command("getmaster").description("print the master node's name; works on any node");
  addEndpointOption(command).action(async (options: EndpointOptions) => {
    const { master } = await getJson(endpointOf(options), CLUSTER_MASTER_PATH, ClusterMasterBodySchema);
    printLines([master]);
  });
}

export function addClusterMasterFailoverCommand(program: Command): void {
  const command = program
    .command("master-failover")
    .description("make the node this runs on the master; it must be a master candidate");
  addEndpointOption(command).action(async (options: EndpointOptions) => {
    const { master } = await requestJson(endpointOf(options), "POST", CLUSTER_FAILOVER_PATH, ClusterMasterBodySchema);
    printLines([`Master role moved to ${master}.`]);
  });
}
