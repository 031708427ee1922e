import type { Command } from "commander";
import { createProgram } from "../common.js";
import { addJobArchiveCommands } from "../job/archive.js";
import { addJobCancelCommand } from "../job/cancel.js";
import { addJobInfoCommand } from "../job/info.js";
import { addJobListCommand } from "../job/list.js";
import { addJobWatchCommand } from "../job/watch.js";

/** alkor-job: List, follow, cancel and archive the cluster's jobs through the local agent. */
export function alkorJobProgram(): Command {
  const program = createProgram("alkor-job", "List, follow, cancel and archive the cluster's jobs through the local agent.");
  addJobListCommand(program);
  addJobInfoCommand(program);
  addJobWatchCommand(program);
  addJobCancelCommand(program);
  addJobArchiveCommands(program);
  return program;
}
