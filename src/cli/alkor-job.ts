#!/usr/bin/env node
import { runCliProcess } from "./common.js";
import { alkorJobProgram } from "./programs/alkor-job.js";

await runCliProcess(alkorJobProgram());
