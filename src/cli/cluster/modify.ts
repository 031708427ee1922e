import type { Command } from "commander";
import { CLUSTER_MODIFY_PATH, ClusterInfoBodySchema, ClusterModifyRequestSchema } from "../../api/local/contract.js";
import { addEndpointOption, endpointOf, printLines, UsageError, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { checkRequest, parseInteger } from "../options.js";

interface ModifyOptions extends EndpointOptions {
  candidatePoolSize?: number;
}

export function addClusterModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change the cluster's parameters")
    .option("--candidate-pool-size <n>", "how many nodes to keep as master candidates", parseInteger);
  addEndpointOption(command).action(async (options: ModifyOptions) => {
    if (options.candidatePoolSize === undefined) throw new UsageError("Nothing to change: give --candidate-pool-size.");
    const request = checkRequest(ClusterModifyRequestSchema, { candidatePoolSize: options.candidatePoolSize }, {
      candidatePoolSize: "--candidate-pool-size",
    });
    const info = await requestJson(endpointOf(options), "POST", CLUSTER_MODIFY_PATH, ClusterInfoBodySchema, request);
    printLines([`Modified cluster ${info.name}: candidate pool size ${info.candidatePoolSize}.`]);
  });
}
