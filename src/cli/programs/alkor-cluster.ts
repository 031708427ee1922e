import type { Command } from "commander";
import { systemClock } from "../../host/clock.js";
import { addClusterInfoCommand } from "../cluster/info.js";
import { addClusterInitCommand } from "../cluster/init.js";
import { addClusterGetmasterCommand, addClusterMasterFailoverCommand } from "../cluster/master.js";
import { addClusterModifyCommand } from "../cluster/modify.js";
import { addClusterQueueCommand } from "../cluster/queue.js";
import { addClusterSearchTagsCommand } from "../cluster/search-tags.js";
import { addClusterStatusCommand } from "../cluster/status.js";
import { addClusterVerifyCommand } from "../cluster/verify.js";
import { addClusterVersionCommand } from "../cluster/version.js";
import { addClusterWatcherCommand } from "../cluster/watcher.js";
import { createProgram } from "../common.js";
import { addTagCommands } from "../tags.js";

/** alkor-cluster: Found, query and change an alkor cluster through the local agent. */
export function alkorClusterProgram(): Command {
  const program = createProgram("alkor-cluster", "Found, query and change an alkor cluster through the local agent.");
  addClusterInitCommand(program);
  addClusterGetmasterCommand(program);
  addClusterInfoCommand(program);
  addClusterVersionCommand(program);
  addClusterMasterFailoverCommand(program);
  addClusterModifyCommand(program);
  addClusterStatusCommand(program);
  addClusterVerifyCommand(program);
  addClusterQueueCommand(program);
  addClusterWatcherCommand(program, systemClock);
  addTagCommands(program, "cluster");
  addClusterSearchTagsCommand(program);
  return program;
}
