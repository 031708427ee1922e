import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { liveSystemInfo, recordSystemInfo } from "./systeminformation-source.js";

// The worker thread of systeminformation-worker.ts: one full reading, sent back, then exit.
// On Linux the nice value is per thread and inherited by the tools it runs: reading the
// hardware yields the CPU to heartbeats and the broker (pid 0 is the calling thread).
setPriority(0, 19);
parentPort?.postMessage(await recordSystemInfo(liveSystemInfo));
