#!/usr/bin/env node
import { runCliProcess } from "./common.js";
import { alkorNodeProgram } from "./programs/alkor-node.js";

await runCliProcess(alkorNodeProgram());
