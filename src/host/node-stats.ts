import { readFile, statfs } from "node:fs/promises";
import { AlkorError } from "../model/errors.js";

/** The figures of this node that change while it runs. */
export interface NodeStats {
  memoryTotalBytes: number;
  /** Memory available to new instances (the kernel's MemAvailable). */
  memoryFreeBytes: number;
  diskTotalBytes: number;
  diskFreeBytes: number;
}

export interface NodeStatsSource {
  sample(): Promise<NodeStats>;
}

/** MemTotal and MemAvailable from the text of /proc/meminfo (proc(5): values in kB). */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(text);
    if (!match) throw new AlkorError("environment_error", `/proc/meminfo has no ${name} line.`);
    return Number(match[1]) * 1024;
  };
  return { totalBytes: field("MemTotal"), availableBytes: field("MemAvailable") };
}

/**
 * Live figures: memory from /proc/meminfo, disk from the file system holding
 * `storagePath`. Until the storage layer reports its volume group, that file
 * system is the node's storage.
 */
export function liveNodeStats(storagePath: string): NodeStatsSource {
  return {
    async sample() {
      const [meminfo, fs] = await Promise.all([readFile("/proc/meminfo", "utf8"), statfs(storagePath)]);
      const memory = parseMeminfo(meminfo);
      return {
        memoryTotalBytes: memory.totalBytes,
        memoryFreeBytes: memory.availableBytes,
        diskTotalBytes: fs.blocks * fs.bsize,
        diskFreeBytes: fs.bavail * fs.bsize,
      };
    },
  };
}
