import type { Command } from "commander";
import { createProgram } from "../common.js";
import { addNodeAddCommand } from "../node/add.js";
import { addNodeInfoCommand } from "../node/info.js";
import { addNodeListCommand } from "../node/list.js";
import { addNodeModifyCommand } from "../node/modify.js";
import { addNodeRemoveCommand } from "../node/remove.js";
import { addTagCommands } from "../tags.js";

/** alkor-node: Query and change the nodes of an alkor cluster through the local agent. */
export function alkorNodeProgram(): Command {
  const program = createProgram("alkor-node", "Query and change the nodes of an alkor cluster through the local agent.");
  addNodeListCommand(program);
  addNodeInfoCommand(program);
  addNodeAddCommand(program);
  addNodeRemoveCommand(program);
  addNodeModifyCommand(program);
  addTagCommands(program, "node");
  return program;
}
