import test from "ava";
import { parseLsblk, parseWipefs, probeSignatures, showBlockDevice } from "../../../../src/host/storage/block-devices.js";
import { FakeExec } from "../net/fake-exec.js";
import { lsblkBlankLooking, lsblkMounted, lsblkPartitioned, wipefsBlank, wipefsExt4, wipefsGpt, wipefsLvmLabel } from "./recorded-block-devices.js";

test("lsblk's listing gives size, udev's idea of the content and the mount point", (t) => {
  t.deepEqual(parseLsblk(lsblkBlankLooking), [{ name: "loop0", type: "loop", sizeBytes: 134217728, fsType: null, partitionTableType: null, mountpoint: null, children: [] }]);
  t.is(parseLsblk(lsblkMounted)[0]?.mountpoint, "/tmp/rec/mnt");
});

test("partitions come as children with their own mounts", (t) => {
  const [disk] = parseLsblk(lsblkPartitioned);
  t.is(disk?.partitionTableType, "gpt");
  t.deepEqual(disk?.children.map((child) => [child.name, child.type, child.mountpoint]), [
    ["vdc1", "part", null],
    ["vdc2", "part", "/srv/data"],
  ]);
});

test("older lsblk releases that print sizes as strings are read too", (t) => {
  t.is(parseLsblk(lsblkBlankLooking.replace("134217728", '"134217728"'))[0]?.sizeBytes, 134217728);
});

test("a listing without a column alkor reads is refused, naming it", (t) => {
  t.throws(() => parseLsblk(lsblkBlankLooking.replace('"mountpoint": null', '"mountpoints": [null]')), { code: "environment_error", message: /blockdevices\.0\.mountpoint: / });
});

test("wipefs finds what lsblk cannot see without udev: LVM labels, filesystems, partition tables", (t) => {
  t.deepEqual(parseWipefs(wipefsLvmLabel), [{ type: "LVM2_member", offset: "0x218", label: null, uuid: "PSpiYo-i3XX-nNi5-u1LK-vYuZ-o140-B23j20" }]);
  t.like(parseWipefs(wipefsExt4)[0], { type: "ext4", label: "data" });
  t.deepEqual(parseWipefs(wipefsGpt).map((signature) => signature.type), ["gpt", "gpt", "PMBR"]);
});

test("a blank device has no signatures, whether wipefs prints an empty list or nothing", (t) => {
  t.deepEqual(parseWipefs(wipefsBlank), []);
  t.deepEqual(parseWipefs(""), []);
});

test("the runners ask for exactly the columns parsed, and never let wipefs write", async (t) => {
  const exec = new FakeExec((argv) => ({ stdout: argv[0] === "lsblk" ? lsblkBlankLooking : wipefsBlank }));
  await showBlockDevice(exec, "/dev/loop0");
  await probeSignatures(exec, "/dev/loop0");
  t.deepEqual(exec.commands, ["lsblk -J -b -o NAME,TYPE,SIZE,FSTYPE,PTTYPE,MOUNTPOINT /dev/loop0", "wipefs --no-act --json /dev/loop0"]);
});
