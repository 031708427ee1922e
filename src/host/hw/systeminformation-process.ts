import { execFile } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { AlkorError } from "../../model/errors.js";
import { lazySystemInfo, recordedSystemInfo, type SystemInfoRecording, type SystemInfoSource } from "./systeminformation-source.js";

const reader = fileURLToPath(new URL("./systeminformation-reader.js", import.meta.url));
const readTimeoutMs = 120_000;

/**
 * systeminformation runs some of its tools synchronously (execSync) and forks
 * many more; inside the agent that would stall heartbeats and the broker and
 * keep the memory it used. This source reads everything once in a short-lived
 * child process at the lowest CPU priority (heartbeats come first; the tools
 * it runs inherit the priority) and replays that reading.
 */
export function processSystemInfo(): SystemInfoSource {
  return lazySystemInfo(async () => recordedSystemInfo(await readInChild()));
}

function readInChild(): Promise<SystemInfoRecording> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [reader], { timeout: readTimeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new AlkorError("environment_error", `Reading the hardware failed: ${stderr.trim() || error.message}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as SystemInfoRecording);
      } catch {
        reject(new AlkorError("environment_error", "The hardware reader printed something other than JSON."));
      }
    });
    if (child.pid !== undefined) setPriority(child.pid, 19);
  });
}
