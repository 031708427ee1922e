#!/usr/bin/env node
import { createProgram, runCli } from "./common.js";
import { addNodeInfoCommand } from "./node/info.js";
import { addNodeListCommand } from "./node/list.js";

const program = createProgram("alkor-node", "Query the nodes of an alkor cluster through the local agent.");
addNodeListCommand(program);
addNodeInfoCommand(program);

process.exitCode = await runCli(program, process.argv);
