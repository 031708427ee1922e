#!/usr/bin/env node
import { addClusterInfoCommand } from "./cluster/info.js";
import { addClusterInitCommand } from "./cluster/init.js";
import { addClusterGetmasterCommand, addClusterMasterFailoverCommand } from "./cluster/master.js";
import { addClusterModifyCommand } from "./cluster/modify.js";
import { addClusterStatusCommand } from "./cluster/status.js";
import { addClusterVersionCommand } from "./cluster/version.js";
import { createProgram, runCli } from "./common.js";

const program = createProgram("alkor-cluster", "Found, query and change an alkor cluster through the local agent.");
addClusterInitCommand(program);
addClusterGetmasterCommand(program);
addClusterInfoCommand(program);
addClusterVersionCommand(program);
addClusterMasterFailoverCommand(program);
addClusterModifyCommand(program);
addClusterStatusCommand(program);

process.exitCode = await runCli(program, process.argv);
