import type { Command } from "commander";
import { DoneBodySchema, nodeModifyPath, type NodeModifyRequest } from "../../api/local/contract.js";
import { NodeNameSchema } from "../../model/node.js";
import { addEndpointOption, endpointOf, printLines, UsageError, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { checkRequest, parseYesNo } from "../options.js";

type Changes = NodeModifyRequest["changes"];

/** gnt-node modify's flag options, each setting one field of the request's changes. */
const FLAGS: ReadonlyArray<{ key: keyof Changes; flags: string; description: string }> = [
  { key: "masterCandidate", flags: "-C, --master-candidate", description: "make the node a master candidate, or stop it being one" },
  { key: "drained", flags: "-D, --drained", description: "drain the node: it keeps its instances but gets no new ones" },
  { key: "offline", flags: "-O, --offline", description: "mark the node offline: the cluster stops talking to it" },
  { key: "masterCapable", flags: "--master-capable", description: "whether the node may ever become a master candidate" },
  { key: "vmCapable", flags: "--vm-capable", description: "whether the node may run instances" },
];

type ModifyOptions = EndpointOptions & Changes & { force?: boolean };

export function addNodeModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change a node's role flags; -C no -D no -O no makes it a regular node")
    .argument("<node>", "the node's name");
  for (const flag of FLAGS) command.option(`${flag.flags} <yes|no>`, flag.description, parseYesNo);
  command.option("--force", "change the node even when that leaves fewer master candidates than the pool size");
  addEndpointOption(command).action(async (name: string, options: ModifyOptions) => {
    const node = checkRequest(NodeNameSchema, name, { "": "NODE" });
    const changes: Changes = {};
    for (const { key } of FLAGS) if (options[key] !== undefined) changes[key] = options[key];
    if (Object.keys(changes).length === 0) {
      throw new UsageError(`Nothing to change: give at least one of ${FLAGS.map((flag) => flag.flags.split(", ")[0]).join(", ")}.`);
    }
    const request: NodeModifyRequest = { changes, force: options.force === true };
    const done = await requestJson(endpointOf(options), "POST", nodeModifyPath(node), DoneBodySchema, request);
    printLines([done.message]);
  });
}
