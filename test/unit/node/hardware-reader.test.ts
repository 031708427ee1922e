import { join } from "node:path";
import test from "ava";
import { fsProfileFiles } from "../../../src/host/hw/profile-files.js";
import { recordedSystemInfo, type SystemInfoSource } from "../../../src/host/hw/systeminformation-source.js";
import { HardwareReader, type HardwareReport } from "../../../src/node/hardware-reader.js";
import { memoryLogger } from "../../helpers/log.js";
import { waitFor } from "../../helpers/wait.js";
import { loadRecording, repoRoot } from "../../fixtures/systeminformation/load.js";

function reader(systemInfo: SystemInfoSource, profilesDir = join(repoRoot, "hw-profiles")) {
  const reports: HardwareReport[] = [];
  const { log } = memoryLogger();
  const hardware = new HardwareReader({ systemInfo, profileFiles: fsProfileFiles, profilesDir, log, onReport: (report) => reports.push(report) });
  return { hardware, reports };
}

test("the report of a recorded machine matches a profile and is handed over once", async (t) => {
  const { hardware, reports } = reader(recordedSystemInfo(await loadRecording("qemu-lab-synthetic")));
  await hardware.start();
  await waitFor("the report", () => reports.length === 1);
  t.is(hardware.report().profile.name, "qemu-lab");
  t.is(reports[0]!.summary.profile, "qemu-lab");
});

test("while the hardware is being read, asking for the report is a wrong_state error, not a wait", async (t) => {
  const never = new Promise<never>(() => {});
  const hanging = new Proxy({} as SystemInfoSource, { get: () => () => never });
  const { hardware } = reader(hanging);
  await hardware.start();
  t.throws(() => hardware.report(), { code: "wrong_state", message: /still reading its hardware/ });
});

test("a broken profile directory fails the reading with the reason", async (t) => {
  const { hardware } = reader(recordedSystemInfo(await loadRecording("this-machine")), "/nonexistent/profiles");
  await hardware.start();
  await waitFor("the reading to fail", () => {
    try {
      hardware.report();
      return false;
    } catch (error) {
      return (error as { code?: string }).code === "environment_error";
    }
  });
  t.throws(() => hardware.report(), { message: /Reading this node's hardware failed/ });
});
