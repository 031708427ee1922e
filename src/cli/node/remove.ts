import type { Command } from "commander";
import { DoneBodySchema, nodePath } from "../../api/local/contract.js";
import { NodeNameSchema } from "../../model/node.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { checkRequest } from "../options.js";

export function addNodeRemoveCommand(program: Command): void {
  const command = program
    .command("remove")
    .description("remove a node from the cluster")
    .argument("<node>", "the node's name");
  addEndpointOption(command).action(async (name: string, options: EndpointOptions) => {
    const node = checkRequest(NodeNameSchema, name, { "": "NODE" });
    const done = await requestJson(endpointOf(options), "DELETE", nodePath(node), DoneBodySchema);
    printLines([done.message]);
  });
}
