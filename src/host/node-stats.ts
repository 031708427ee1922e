import { statfs } from "node:fs/promises";
import si from "systeminformation";

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

/**
 * Live figures: memory from /proc/meminfo (through systeminformation) and
 * disk from the file system holding `storagePath`. Until the storage layer
 * reports its volume group, that file system is the node's storage.
 */
export function liveNodeStats(storagePath: string): NodeStatsSource {
  return {
    async sample() {
      const [memory, fs] = await Promise.all([si.mem(), statfs(storagePath)]);
      return {
        memoryTotalBytes: memory.total,
        memoryFreeBytes: memory.available,
        diskTotalBytes: fs.blocks * fs.bsize,
        diskFreeBytes: fs.bavail * fs.bsize,
      };
    },
  };
}
