import { join } from "node:path";
import test from "ava";
import { fsProfileFiles } from "../../../src/host/hw/profile-files.js";
import { recordedSystemInfo, type SystemInfoSource } from "../../../src/host/hw/systeminformation-source.js";
import { HardwareReader, type HardwareReport } from "../../../src/node/hardware-reader.js";
import { memoryLogger } from "../../helpers/log.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { waitFor } from "../../helpers/wait.js";
import { loadRecording, repoRoot } from "../../fixtures/systeminformation/load.js";

function reader(systemInfo: SystemInfoSource | (() => SystemInfoSource), profilesDir = join(repoRoot, "hw-profiles")) {
  const reports: HardwareReport[] = [];
  const { log, events } = memoryLogger();
  const clock = new ManualClock();
  const readSystemInfo = typeof systemInfo === "function" ? systemInfo : () => systemInfo;
  const hardware = new HardwareReader({ readSystemInfo, profileFiles: fsProfileFiles, profilesDir, clock, log, onReport: (report) => reports.push(report) });
  return { hardware, reports, clock, events };
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

test("a reading in which a call failed is handed over, logged with the reason and read again until it is complete", async (t) => {
  const recording = await loadRecording("qemu-lab-synthetic");
  let readings = 0;
  const { hardware, reports, clock, events } = reader(() => {
    readings += 1;
    // The first reading's CPU and disk calls time out, as under a loaded boot.
    if (readings > 1) return recordedSystemInfo(recording);
    return recordedSystemInfo({ ...recording, failed: { cpu: "lscpu timed out", diskLayout: "lsblk timed out" } });
  });
  await hardware.start();
  await waitFor("the partial report", () => reports.length === 1);
  t.deepEqual(reports[0]!.inventory.warnings.length, 2);
  await waitFor("the failure to be logged", () => events.some((event) => event["level"] === 40));
  const warning = events.find((event) => event["level"] === 40)!;
  t.regex(String(warning["msg"]), /Reading this node's hardware failed: 2 of its calls failed \(.*lscpu timed out.*lsblk timed out.*\)\. Reading it again in 5 s\./);
  clock.advance(5_000);
  await waitFor("the complete report", () => reports.length === 2);
  t.deepEqual(reports[1]!.inventory.warnings, []);
  t.is(hardware.report().profile.name, "qemu-lab");
  clock.advance(3_600_000);
  t.is(readings, 2, "a complete reading is not repeated");
});

test("a partial reading does not replace a complete one, and the reader gives up after eight attempts, saying how to retry", async (t) => {
  const recording = await loadRecording("qemu-lab-synthetic");
  const { hardware, reports, clock, events } = reader(() => recordedSystemInfo({ ...recording, failed: { mem: "no /proc/meminfo" } }));
  await hardware.start();
  for (let attempt = 1; attempt < 8; attempt += 1) {
    await waitFor(`attempt ${attempt} to be logged`, () => events.filter((event) => event["level"] === 40).length === attempt);
    clock.advance(300_000);
  }
  await waitFor("the reader to give up", () => events.some((event) => event["level"] === 50));
  t.regex(String(events.find((event) => event["level"] === 50)!["msg"]), /failed 8 times.*restart the agent to try again/);
  t.is(reports.length, 1, "only the first partial reading is handed over");
});

test("stopping the reader cancels the next reading", async (t) => {
  let readings = 0;
  const { hardware, clock, events } = reader(() => {
    readings += 1;
    return recordedSystemInfo({});
  });
  await hardware.start();
  await waitFor("the failure to be logged", () => events.some((event) => event["level"] === 40));
  await hardware.stop();
  clock.advance(3_600_000);
  t.is(readings, 1);
});
