import test from "ava";
import { AlkorError } from "../../../../src/model/errors.js";
import { recordSystemInfo, recordedSystemInfo } from "../../../../src/host/hw/systeminformation-source.js";
import { loadRecording } from "../../../fixtures/systeminformation/load.js";

test("a recorded source replays each section of the recording", async (t) => {
  const recording = await loadRecording("this-machine");
  const source = recordedSystemInfo(recording);
  t.deepEqual(await source.system(), recording.system);
  t.deepEqual(await source.networkInterfaces(), recording.networkInterfaces);
});

test("a caller changing a replayed result does not change the recording", async (t) => {
  const source = recordedSystemInfo(await loadRecording("this-machine"));
  (await source.system()).manufacturer = "changed";
  t.not((await source.system()).manufacturer, "changed");
});

test("a section missing from the recording is rejected with an error naming it", async (t) => {
  const source = recordedSystemInfo({});
  const error = await t.throwsAsync(source.diskLayout(), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error?.message ?? "", /diskLayout/);
});

test("recording a recorded source gives back the same recording", async (t) => {
  const recording = await loadRecording("dell-r640-synthetic");
  t.deepEqual(await recordSystemInfo(recordedSystemInfo(recording)), recording);
});

test("recording leaves out the sections whose call fails and keeps why, so replaying them fails with that reason", async (t) => {
  const { system } = await loadRecording("this-machine");
  const failing = { ...recordedSystemInfo({ system }), cpu: () => Promise.reject(new Error("lscpu timed out")) };
  const recording = await recordSystemInfo(failing);
  t.deepEqual(Object.keys(recording), ["system", "failed"]);
  t.is(recording.failed?.cpu, "lscpu timed out");
  await t.throwsAsync(recordedSystemInfo(recording).cpu(), { code: "environment_error", message: "lscpu timed out" } as never);
  t.deepEqual(await recordedSystemInfo(recording).system(), system);
});
