import test from "ava";
import { join } from "node:path";
import { HardwareSummarySchema } from "../../../../src/model/hardware.js";
import { collectInventory, type Inventory } from "../../../../src/host/hw/inventory.js";
import { fsProfileFiles } from "../../../../src/host/hw/profile-files.js";
import { loadProfiles, matchProfile } from "../../../../src/host/hw/profile.js";
import { summarizeHardware } from "../../../../src/host/hw/summary.js";
import { recordedSystemInfo } from "../../../../src/host/hw/systeminformation-source.js";
import { loadRecording, repoRoot } from "../../../fixtures/systeminformation/load.js";

async function summaryOf(name: string) {
  const inventory: Inventory = await collectInventory(recordedSystemInfo(await loadRecording(name)));
  const { profile } = matchProfile(inventory, await loadProfiles(join(repoRoot, "hw-profiles"), fsProfileFiles));
  return summarizeHardware(inventory, profile);
}

test("a Dell R640 summary counts its data disks, physical NICs and both sockets' cores", async (t) => {
  const summary = await summaryOf("dell-r640-synthetic");
  t.deepEqual(summary, {
    manufacturer: "Dell Inc.",
    model: "PowerEdge R640",
    serial: "SYNTH01",
    cpuModel: "Intel Xeon® Gold 6130",
    cpuCores: 32,
    cpuThreads: 64,
    memoryBytes: 404138872832,
    diskCount: 3,
    diskBytes: 2 * 1600321314816 + 960197124096,
    nicCount: 7,
    profile: "dell-poweredge-r640",
  });
  t.true(HardwareSummarySchema.safeParse(summary).success);
});

test("when the profile takes no data disks, the summary counts every fixed disk", async (t) => {
  const summary = await summaryOf("this-machine");
  t.deepEqual(summary, {
    manufacturer: "",
    model: "Docker Container",
    serial: "",
    cpuModel: "AMD EPYC",
    cpuCores: 2,
    cpuThreads: 2,
    memoryBytes: 25276026880,
    diskCount: 1,
    diskBytes: 274877906944,
    nicCount: 1,
    profile: "generic",
  });
  t.true(HardwareSummarySchema.safeParse(summary).success);
});

test("a QEMU lab node's summary counts only its data disk", async (t) => {
  const summary = await summaryOf("qemu-lab-synthetic");
  t.like(summary, { diskCount: 1, diskBytes: 107374182400, nicCount: 3, profile: "qemu-lab", cpuCores: 4 });
});
