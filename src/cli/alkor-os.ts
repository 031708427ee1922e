#!/usr/bin/env node
import { createProgram, runCli } from "./common.js";
import { addOsDiagnoseCommand } from "./os/diagnose.js";
import { addOsInfoCommand } from "./os/info.js";
import { addOsListCommand } from "./os/list.js";

const program = createProgram("alkor-os", "Query the OS definitions of an alkor cluster's nodes through the local agent.");
addOsListCommand(program);
addOsDiagnoseCommand(program);
addOsInfoCommand(program);

process.exitCode = await runCli(program, process.argv);
