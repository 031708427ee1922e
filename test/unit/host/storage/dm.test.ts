import test from "ava";
import { DeviceMapper } from "../../../../src/host/storage/dm.js";
import { parseDmInfoColumns, parseDmTable } from "../../../../src/host/storage/dm-report.js";
import { FakeExec } from "../net/fake-exec.js";
import { infoAllDevices, infoMissingStderr, infoNoDevices, infoOneDevice, tableLinear, tableTwoSegments } from "./recorded-dm.js";

const info = "dmsetup info -c --noheadings --separator : -o name,open,attr,major,minor";

test("dmsetup's columns give each device's open count, state flags and numbers", (t) => {
  t.deepEqual(parseDmInfoColumns(infoOneDevice), [{ name: "alkor-lab-linear", openCount: 0, live: true, inactiveTable: false, suspended: false, readOnly: false, major: 253, minor: 2 }]);
  const all = parseDmInfoColumns(infoAllDevices);
  t.deepEqual(all.map((device) => device.name), ["alkor-vm1--disk0", "alkor-vm2--disk0", "alkor-lab-linear", "alkor-lab-loading"]);
  t.like(all[0], { openCount: 1, live: true });
  t.like(all[2], { suspended: true, readOnly: true });
  t.like(all[3], { live: false, inactiveTable: true });
});

test("a host without device-mapper devices lists none", (t) => {
  t.deepEqual(parseDmInfoColumns(infoNoDevices), []);
});

test("a line dmsetup would not print is refused, naming the field", (t) => {
  t.throws(() => parseDmInfoColumns("alkor-x:0:Live:253:2\n"), { code: "environment_error", message: /line 1: attr: "Live"/ });
  t.throws(() => parseDmInfoColumns("alkor-x:one:L--w:253:2\n"), { message: /line 1: open: "one" is not a count/ });
  t.throws(() => parseDmInfoColumns("alkor-x L--w\n"), { message: /does not have 5 fields/ });
});

test("a table is read segment by segment", (t) => {
  t.deepEqual(parseDmTable(tableLinear), [{ startSector: 0, lengthSectors: 131072, target: "linear", args: ["254:16", "2048"] }]);
  t.is(parseDmTable(tableTwoSegments)[1]?.startSector, 204800);
  t.throws(() => parseDmTable("linear 254:16\n"), { message: /cannot be read: line 1/ });
});

test("a linear mapping over a whole device is created from its size, without waiting for udev", async (t) => {
  const exec = new FakeExec((argv) => (argv[0] === "blockdev" ? { stdout: "131072\n" } : { stdout: "" }));
  await new DeviceMapper(exec).createLinear("alkor-lab-linear", "/dev/vdb");
  t.deepEqual(exec.commands, ["blockdev --getsz /dev/vdb", "dmsetup create alkor-lab-linear --noudevsync --table 0 131072 linear /dev/vdb 0"]);
  // The table is one argument, not split by a shell.
  t.is(exec.calls[1]?.argv.at(-1), "0 131072 linear /dev/vdb 0");
  t.like(exec.calls[1]?.options?.env, { DM_DISABLE_UDEV: "1", LC_ALL: "C" });
});

test("a linear mapping over part of a device maps exactly that extent", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  await new DeviceMapper(exec).createLinear("alkor-part", "/dev/vdb", { offsetSectors: 2048, lengthSectors: 4096 });
  t.deepEqual(exec.commands, ["dmsetup create alkor-part --noudevsync --table 0 4096 linear /dev/vdb 2048"]);
});

test("info of a device that does not exist is null", async (t) => {
  const exec = new FakeExec(() => ({ fails: infoMissingStderr }));
  t.is(await new DeviceMapper(exec).info("nosuch"), null);
  t.deepEqual(exec.commands, [`${info} nosuch`]);
});

test("the table of a device that does not exist is an unknown_entity error", async (t) => {
  const exec = new FakeExec(() => ({ fails: infoMissingStderr }));
  await t.throwsAsync(new DeviceMapper(exec).table("nosuch"), { code: "unknown_entity" });
});

test("removing a device that is already gone succeeds; other failures do not", async (t) => {
  const gone = new FakeExec(() => ({ fails: "device-mapper: remove ioctl on nosuch  failed: No such device or address\nCommand failed." }));
  await new DeviceMapper(gone).remove("nosuch");
  // --retry: dmsetup outlasts udev's brief probe of a new device before it reports busy.
  t.deepEqual(gone.commands, ["dmsetup remove --retry --noudevsync nosuch"]);
  const busy = new DeviceMapper(new FakeExec(() => ({ fails: "device-mapper: remove ioctl on alkor-x  failed: Device or resource busy\nCommand failed." })));
  await t.throwsAsync(busy.remove("alkor-x"), { code: "environment_error", message: /busy/ });
});

test("a name that could read as an option or a path is refused before dmsetup runs", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  const dm = new DeviceMapper(exec);
  await t.throwsAsync(dm.createLinear("--help", "/dev/vdb", { lengthSectors: 8 }), { code: "wrong_input" });
  await t.throwsAsync(dm.remove("../x"), { code: "wrong_input" });
  t.deepEqual(exec.commands, []);
});
