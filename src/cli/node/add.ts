import type { Command } from "commander";
import { NodeNameSchema } from "../../model/node.js";
import { printLines } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { runJob } from "../jobs/runner.js";
import { checkRequest } from "../options.js";

export function addNodeAddCommand(program: Command): void {
  const command = program
    .command("add")
    .description("admit a node the agents have discovered into the cluster")
    .argument("<node>", "the node's name, as alkor-node list shows it");
  addJobOptions(command).action(async (name: string, options: JobOptions) => {
    const node = checkRequest(NodeNameSchema, name, { "": "NODE" });
    const results = await runJob([{ OP_ID: "OP_NODE_ADD", node_name: node }], options);
    if (results !== null) printLines([`Node ${node} was added to the cluster.`]);
  });
}
