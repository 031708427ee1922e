import type { HardwareSummary } from "../../model/hardware.js";
import type { Inventory } from "./inventory.js";
import { selectDataDisks, type HardwareProfile } from "./profile.js";

/**
 * The figures a node announces. Disks are the profile's data disks; when the
 * profile selects none (generic hardware), all fixed disks, so the figure
 * still says what the machine holds.
 */
export function summarizeHardware(inventory: Inventory, profile: HardwareProfile): HardwareSummary {
  const dataDisks = selectDataDisks(inventory, profile);
  const disks = dataDisks.length > 0 ? dataDisks : inventory.disks.filter((disk) => !disk.removable);
  return {
    manufacturer: inventory.system.manufacturer,
    model: inventory.system.model,
    serial: inventory.system.serial,
    cpuModel: inventory.cpu.model,
    cpuCores: inventory.cpu.cores,
    cpuThreads: inventory.cpu.threads,
    memoryBytes: inventory.memoryBytes,
    diskCount: disks.length,
    diskBytes: Math.min(disks.reduce((sum, disk) => sum + disk.sizeBytes, 0), Number.MAX_SAFE_INTEGER),
    nicCount: inventory.nics.filter((nic) => !nic.virtual).length,
    profile: profile.name,
  };
}
