import { liveSystemInfo, recordSystemInfo } from "./systeminformation-source.js";

// The child process of systeminformation-process.ts (started at the lowest CPU priority):
// one full reading as JSON on stdout.
process.stdout.write(JSON.stringify(await recordSystemInfo(liveSystemInfo)));
