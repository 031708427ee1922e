#!/usr/bin/env node
import { runCliProcess } from "./common.js";
import { alkorInstanceProgram } from "./programs/alkor-instance.js";

await runCliProcess(alkorInstanceProgram());
