import test from "ava";
import { alkorTag, Lvm } from "../../../../src/host/storage/lvm.js";
import { parseLvsReport, parsePvsReport, parseVgsReport } from "../../../../src/host/storage/lvm-report.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { FakeExec } from "../net/fake-exec.js";
import {
  lvsActiveAndInactive,
  lvsMissingVolumeStderr,
  lvsTwoVolumes,
  pvcreateOverExt4Stderr,
  pvsWithForeignGroup,
  pvsWithOrphan,
  vgsEmptyGroup,
  vgsGroupWithVolumes,
  vgsMissingGroupStderr,
} from "./recorded-lvm.js";

const report = "--reportformat json --units b --nosuffix";

test("a recorded pvs report gives each physical volume with its group and the group's tags", (t) => {
  t.deepEqual(parsePvsReport(pvsWithOrphan), [
    { device: "/dev/loop0", volumeGroup: "alkortest", sizeBytes: 130023424, freeBytes: 29360128, tags: [], volumeGroupTags: ["alkor"] },
    { device: "/dev/loop1", volumeGroup: "alkortest", sizeBytes: 130023424, freeBytes: 130023424, tags: [], volumeGroupTags: ["alkor"] },
    { device: "/dev/loop2", volumeGroup: null, sizeBytes: 134217728, freeBytes: 134217728, tags: [], volumeGroupTags: [] },
  ]);
  t.is(parsePvsReport(pvsWithForeignGroup)[2]?.volumeGroup, "foreign");
});

test("a recorded vgs report gives sizes in bytes, tags and counts", (t) => {
  t.deepEqual(parseVgsReport(vgsGroupWithVolumes), [
    { name: "alkortest", sizeBytes: 260046848, freeBytes: 159383552, tags: ["alkor"], physicalVolumeCount: 2, logicalVolumeCount: 2 },
  ]);
});

test("lvs reports tell active and open volumes by lv_attr's state characters", (t) => {
  const [open, inactive] = parseLvsReport(lvsActiveAndInactive);
  t.like(open, { name: "vm1-disk0", volumeGroup: "alkor", sizeBytes: 268435456, active: true, open: true, tags: ["alkor"], path: "/dev/alkor/vm1-disk0" });
  t.like(inactive, { name: "vm2-disk0", active: false, open: false, tags: ["alkor", "vm2"] });
  // "X": lvm could not ask the kernel (no device-mapper where this was recorded).
  t.like(parseLvsReport(lvsTwoVolumes)[0], { name: "v1", attributes: "-wi-XX----", active: false, open: false });
});

test("a report whose size is not a number is refused, naming the field", (t) => {
  const bad = vgsEmptyGroup.replace('"vg_size":"260046848"', '"vg_size":"248.00m"');
  const error = t.throws(() => parseVgsReport(bad), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error?.message ?? "", /output of "vgs --reportformat json" cannot be read: report\.0\.vg\.0\.vg_size: "248\.00m" is not a whole number of bytes/);
});

test("a report without a field alkor reads is refused, naming it", (t) => {
  t.throws(() => parsePvsReport(pvsWithOrphan.replaceAll('"vg_tags":"alkor", ', "").replaceAll(', "vg_tags":"alkor"', "")), {
    message: /report\.0\.pv\.0\.vg_tags: /,
  });
  t.throws(() => parseLvsReport("  Volume group not found\n"), { message: /it is not JSON/ });
});

test("creating the volume group runs pvcreate and vgcreate with the alkor tag, never prompting", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  const lvm = new Lvm(exec);
  await lvm.createPhysicalVolumes(["/dev/vdb", "/dev/vdc"]);
  await lvm.createVolumeGroup("alkor", ["/dev/vdb", "/dev/vdc"]);
  t.deepEqual(exec.commands, ["pvcreate -qq /dev/vdb /dev/vdc", `vgcreate -qq --addtag ${alkorTag} alkor /dev/vdb /dev/vdc`]);
  t.like(exec.calls[0]?.options?.env, { LC_ALL: "C", DM_DISABLE_UDEV: "1", LVM_SUPPRESS_FD_WARNINGS: "1" });
});

test("pvcreate's refusal to wipe a signature reaches the caller with the tool's words", async (t) => {
  const lvm = new Lvm(new FakeExec(() => ({ fails: pvcreateOverExt4Stderr })));
  await t.throwsAsync(lvm.createPhysicalVolumes(["/dev/loop2"]), { code: "environment_error", message: /ext4 signature detected on \/dev\/loop2/ });
});

test("a volume group that does not exist is null, not an error", async (t) => {
  const exec = new FakeExec(() => ({ fails: vgsMissingGroupStderr }));
  t.is(await new Lvm(exec).volumeGroup("nosuchvg"), null);
  t.deepEqual(exec.commands, [`vgs ${report} -o vg_name,vg_size,vg_free,vg_tags,pv_count,lv_count nosuchvg`]);
});

test("a logical volume that does not exist is null, and an absent group has no volumes", async (t) => {
  t.is(await new Lvm(new FakeExec(() => ({ fails: lvsMissingVolumeStderr }))).logicalVolume("alkortest", "nosuch"), null);
  t.deepEqual(await new Lvm(new FakeExec(() => ({ fails: vgsMissingGroupStderr }))).logicalVolumes("nosuchvg"), []);
});

test("other failures of a report are not mistaken for absence", async (t) => {
  const lvm = new Lvm(new FakeExec(() => ({ fails: "  /dev/mapper/control: open failed: No such device" })));
  await t.throwsAsync(lvm.volumeGroup("alkor"), { code: "environment_error" });
});

test("a logical volume is created tagged, with its size in bytes, wiping old signatures without asking", async (t) => {
  const exec = new FakeExec((argv) => (argv[0] === "lvs" ? { stdout: lvsActiveAndInactive.replace(/,\n\s*\{"lv_name":"vm2-disk0".*\}/, "") } : { stdout: "" }));
  const volume = await new Lvm(exec).createLogicalVolume({ volumeGroup: "alkor", name: "vm1-disk0", sizeBytes: 268435456 });
  t.is(volume.path, "/dev/alkor/vm1-disk0");
  t.deepEqual(exec.commands, [
    "lvcreate -L 268435456b -n vm1-disk0 -y --wipesignatures y --addtag alkor alkor",
    `lvs ${report} -o lv_name,vg_name,lv_size,lv_attr,lv_tags,lv_path alkor/vm1-disk0`,
  ]);
});

test("activation, deactivation and removal address the volume as group/name", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  const lvm = new Lvm(exec);
  await lvm.activateLogicalVolume("alkor", "v1");
  await lvm.deactivateLogicalVolume("alkor", "v1");
  await lvm.removeLogicalVolume("alkor", "v1");
  t.deepEqual(exec.commands, ["lvchange -ay alkor/v1", "lvchange -an alkor/v1", "lvremove -f alkor/v1"]);
});

test("a logical volume is extended to an absolute size in bytes, without resizing a file system in it", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  await new Lvm(exec).extendLogicalVolume("alkor", "v1", 67108864);
  t.deepEqual(exec.commands, ["lvextend -L 67108864b alkor/v1"]);
  t.like(exec.calls[0]?.options, { timeoutMs: 120_000 });
});

test("lvextend's refusals reach the caller with the tool's words", async (t) => {
  // Recorded with LVM 2.03.16: a size equal to the current one, then one larger than the group's free extents.
  const same = new Lvm(new FakeExec(() => ({ fails: "  New size (16 extents) matches existing size (16 extents)." })));
  await t.throwsAsync(same.extendLogicalVolume("alkor", "v1", 67108864), { code: "environment_error", message: /matches existing size/ });
  const full = new Lvm(new FakeExec(() => ({ fails: "  Insufficient free space: 239 extents needed, but only 12 available" })));
  await t.throwsAsync(full.extendLogicalVolume("alkor", "v1", 1067108864), { code: "environment_error", message: /Insufficient free space/ });
});

test("a volume group that still holds volumes is not removed", async (t) => {
  const exec = new FakeExec(() => ({ stdout: vgsGroupWithVolumes }));
  await t.throwsAsync(new Lvm(exec).removeVolumeGroup("alkortest"), { code: "wrong_state", message: /still holds 2 logical volume/ });
  t.false(exec.commands.some((command) => command.startsWith("vgremove")));
});

test("an empty volume group is removed", async (t) => {
  const exec = new FakeExec((argv) => (argv[0] === "vgs" ? { stdout: vgsEmptyGroup } : { stdout: "" }));
  await new Lvm(exec).removeVolumeGroup("alkortest");
  t.is(exec.commands.at(-1), "vgremove -qq alkortest");
});

for (const [what, run] of [
  ["a volume group name that reads as an option", (lvm: Lvm) => lvm.createVolumeGroup("-ff", ["/dev/vdb"])],
  ["a device outside /dev", (lvm: Lvm) => lvm.createPhysicalVolumes(["vdb"])],
  ["a logical volume name with a slash", (lvm: Lvm) => lvm.removeLogicalVolume("alkor", "a/b")],
  ["a size that is not a positive number of bytes", (lvm: Lvm) => lvm.createLogicalVolume({ volumeGroup: "alkor", name: "v", sizeBytes: 0 })],
  ["an extension to a size that is not a positive number of bytes", (lvm: Lvm) => lvm.extendLogicalVolume("alkor", "v", -1)],
  ["an extension of a volume whose name reads as an option", (lvm: Lvm) => lvm.extendLogicalVolume("alkor", "-r", 1024)],
] as const) {
  test(`${what} is refused before any tool runs`, async (t) => {
    const exec = new FakeExec(() => ({ stdout: "" }));
    await t.throwsAsync(run(new Lvm(exec)), { code: "wrong_input" });
    t.deepEqual(exec.commands, []);
  });
}
