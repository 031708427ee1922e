import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { fileWatchdogDevice } from "../../../../src/host/watchdog/device.js";
import { parseWatchdogSysfs, sysfsDirOf } from "../../../../src/host/watchdog/sysfs.js";

// A regular file stands in for /dev/watchdog: the adapter's whole protocol is what it writes.
async function standIn(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-watchdog-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "watchdog");
  await writeFile(path, "");
  return path;
}

test("each keepalive writes one byte that is not the magic V, and a clean stop ends with V", async (t) => {
  const path = await standIn(t);
  const device = fileWatchdogDevice(path);
  await device.open();
  await device.keepAlive();
  await device.keepAlive();
  await device.disarm();
  t.deepEqual([...(await readFile(path))], [0, 0, "V".charCodeAt(0)]);
});

test("a missing device is an environment error, and is not created", async (t) => {
  const path = join(await standIn(t), "..", "no-such-watchdog");
  await t.throwsAsync(fileWatchdogDevice(path).open(), { code: "environment_error", message: /does not exist \(no watchdog driver loaded/ });
  await t.throwsAsync(readFile(path), { code: "ENOENT" });
});

test("feeding a device that is not open is refused", async (t) => {
  await t.throwsAsync(fileWatchdogDevice(await standIn(t)).keepAlive(), { code: "wrong_state" });
});

test("disarming twice, or before opening, does nothing more", async (t) => {
  const path = await standIn(t);
  const device = fileWatchdogDevice(path);
  await device.disarm();
  await device.open();
  await device.disarm();
  await device.disarm();
  t.is((await readFile(path, "utf8")), "V");
});

test("the legacy /dev/watchdog is the first watchdog's sysfs entry; others by number; other paths have none", (t) => {
  t.is(sysfsDirOf("/dev/watchdog"), "/sys/class/watchdog/watchdog0");
  t.is(sysfsDirOf("/dev/watchdog1"), "/sys/class/watchdog/watchdog1");
  t.is(sysfsDirOf("/tmp/watchdog"), null);
});

test("sysfs attributes give the identity, timeout and nowayout", (t) => {
  // As a lab guest's i6300esb showed them (Linux 6.1): files end in a newline.
  t.deepEqual(parseWatchdogSysfs({ identity: "i6300ESB timer\n", timeout: "30\n", nowayout: "0\n" }), { identity: "i6300ESB timer", timeoutSeconds: 30, nowayout: false });
  t.deepEqual(parseWatchdogSysfs({ identity: "Software Watchdog\n" }), { identity: "Software Watchdog", timeoutSeconds: null, nowayout: null });
});
