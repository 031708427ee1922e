#!/usr/bin/env node
import { runCliProcess } from "./common.js";
import { alkorClusterProgram } from "./programs/alkor-cluster.js";

await runCliProcess(alkorClusterProgram());
