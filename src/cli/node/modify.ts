import type { Command } from "commander";
import { NodeSetParamsResultSchema } from "../../api/local/contract.js";
import { NodeNameSchema } from "../../model/node.js";
import { printLines, UsageError } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";
import { checkRequest, parseYesNo } from "../options.js";

/** gnt-node modify's flag options, each setting one parameter of OP_NODE_SET_PARAMS. */
const FLAGS = [
  { key: "masterCandidate", param: "master_candidate", flags: "-C, --master-candidate", description: "make the node a master candidate, or stop it being one" },
  { key: "drained", param: "drained", flags: "-D, --drained", description: "drain the node: it keeps its instances but gets no new ones" },
  { key: "offline", param: "offline", flags: "-O, --offline", description: "mark the node offline: the cluster stops talking to it" },
  { key: "masterCapable", param: "master_capable", flags: "--master-capable", description: "whether the node may ever become a master candidate" },
  { key: "vmCapable", param: "vm_capable", flags: "--vm-capable", description: "whether the node may run instances" },
] as const;

type ModifyOptions = JobOptions & Partial<Record<(typeof FLAGS)[number]["key"], boolean>> & { force?: boolean };

/** gnt-node modify's output: "Modified node NAME", then " - PARAM -> VALUE" for every parameter changed. */
export function formatNodeModified(node: string, changes: ReadonlyArray<readonly [string, unknown]>): string[] {
  return [`Modified node ${node}`, ...changes.map(([param, value]) => ` - ${param.padEnd(10)} -> ${String(value)}`)];
}

export function addNodeModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change a node's role flags; -C no -D no -O no makes it a regular node")
    .argument("<node>", "the node's name");
  for (const flag of FLAGS) command.option(`${flag.flags} <yes|no>`, flag.description, parseYesNo);
  command.option("--force", "change the node even when that leaves fewer master candidates than the pool size");
  addJobOptions(command).action(async (name: string, options: ModifyOptions) => {
    const node = checkRequest(NodeNameSchema, name, { "": "NODE" });
    const changes = FLAGS.filter(({ key }) => options[key] !== undefined).map(({ key, param }) => [param, options[key]] as const);
    if (changes.length === 0) {
      throw new UsageError(`Nothing to change: give at least one of ${FLAGS.map((flag) => flag.flags.split(", ")[0]).join(", ")}.`);
    }
    const op = { OP_ID: "OP_NODE_SET_PARAMS", node_name: node, ...Object.fromEntries(changes), ...(options.force ? { force: true } : {}) };
    const results = await runJob([op], options);
    if (results !== null) printLines(formatNodeModified(node, opResult(NodeSetParamsResultSchema, results[0], "OP_NODE_SET_PARAMS")));
  });
}
