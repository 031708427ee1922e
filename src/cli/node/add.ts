import type { Command } from "commander";
import { DoneBodySchema, NODES_PATH, NodeAddRequestSchema } from "../../api/local/contract.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { checkRequest } from "../options.js";

export function addNodeAddCommand(program: Command): void {
  const command = program
    .command("add")
    .description("admit a node the agents have discovered into the cluster")
    .argument("<node>", "the node's name, as alkor-node list shows it");
  addEndpointOption(command).action(async (name: string, options: EndpointOptions) => {
    const request = checkRequest(NodeAddRequestSchema, { name }, { name: "NODE" });
    const done = await requestJson(endpointOf(options), "POST", NODES_PATH, DoneBodySchema, request);
    printLines([done.message]);
  });
}
