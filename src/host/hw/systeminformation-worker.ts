import { Worker } from "node:worker_threads";
import { AlkorError } from "../../model/errors.js";
import { recordedSystemInfo, type SystemInfoRecording, type SystemInfoSource } from "./systeminformation-source.js";

/**
 * systeminformation runs some of its tools synchronously (execSync), which
 * stalls the calling thread for a second or more; in the agent that would
 * stall heartbeats and the broker. This source reads everything once in a
 * worker thread and replays that reading.
 */
export function workerSystemInfo(): SystemInfoSource {
  let reading: Promise<SystemInfoSource> | undefined;
  const source = (): Promise<SystemInfoSource> => (reading ??= readInWorker().then(recordedSystemInfo));
  return {
    system: async () => (await source()).system(),
    bios: async () => (await source()).bios(),
    cpu: async () => (await source()).cpu(),
    mem: async () => (await source()).mem(),
    diskLayout: async () => (await source()).diskLayout(),
    blockDevices: async () => (await source()).blockDevices(),
    networkInterfaces: async () => (await source()).networkInterfaces(),
  };
}

function readInWorker(): Promise<SystemInfoRecording> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./systeminformation-worker-main.js", import.meta.url));
    worker.once("message", (recording: SystemInfoRecording) => resolve(recording));
    worker.once("error", (error) => reject(new AlkorError("environment_error", `Reading the hardware failed: ${error.message}`)));
    worker.once("exit", (code) => {
      if (code !== 0) reject(new AlkorError("environment_error", `The hardware reading thread exited with code ${code}.`));
    });
  });
}
