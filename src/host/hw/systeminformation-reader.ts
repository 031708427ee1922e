import { setPriority } from "node:os";
import { liveSystemInfo, recordSystemInfo } from "./systeminformation-source.js";

// The child process of systeminformation-process.ts: one full reading as JSON on stdout.
// Lowest CPU priority, inherited by the tools it runs: heartbeats come first.
setPriority(19);
process.stdout.write(JSON.stringify(await recordSystemInfo(liveSystemInfo)));
