import type { Command } from "commander";
import { createProgram } from "../common.js";
import { addInstanceAddCommand } from "../instance/add.js";
import { addInstanceBatchCreateCommand } from "../instance/batch-create.js";
import { addInstanceConsoleCommand } from "../instance/console.js";
import { addInstanceDiskCommands } from "../instance/disks.js";
import { addInstanceInfoCommand } from "../instance/info.js";
import { addInstanceListCommand } from "../instance/list.js";
import { addInstanceModifyCommand } from "../instance/modify.js";
import { addInstancePowerCommands } from "../instance/power.js";
import { addInstanceRemoveCommand } from "../instance/remove.js";
import { addInstanceRenameCommand } from "../instance/rename.js";
import { addTagCommands } from "../tags.js";

/** alkor-instance: Create, query, change and reach the instances of an alkor cluster through the local agent. */
export function alkorInstanceProgram(): Command {
  const program = createProgram("alkor-instance", "Create, query, change and reach the instances of an alkor cluster through the local agent.");
  addInstanceAddCommand(program);
  addInstanceBatchCreateCommand(program);
  addInstanceRemoveCommand(program);
  addInstanceListCommand(program);
  addInstanceInfoCommand(program);
  addInstancePowerCommands(program);
  addInstanceModifyCommand(program);
  addInstanceRenameCommand(program);
  addInstanceDiskCommands(program);
  addInstanceConsoleCommand(program);
  addTagCommands(program, "instance");
  return program;
}
