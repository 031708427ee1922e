#!/usr/bin/env node
import { runCliProcess } from "./common.js";
import { alkorOsProgram } from "./programs/alkor-os.js";

await runCliProcess(alkorOsProgram());
