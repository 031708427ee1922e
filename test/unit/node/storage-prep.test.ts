import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { localDurableFiles } from "../../../src/host/durable-file.js";
import { collectInventory } from "../../../src/host/hw/inventory.js";
import { fsProfileFiles } from "../../../src/host/hw/profile-files.js";
import { loadProfiles } from "../../../src/host/hw/profile.js";
import { recordedSystemInfo, type SystemInfoRecording } from "../../../src/host/hw/systeminformation-source.js";
import { AlkorError } from "../../../src/model/errors.js";
import { planStoragePreparation, prepareStorage, type StoragePrepWorld } from "../../../src/node/storage-prep.js";
import { loadRecording, repoRoot } from "../../fixtures/systeminformation/load.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { FakeExec, type Answer } from "../host/net/fake-exec.js";
import { lsblkPartitioned, wipefsBlank, wipefsExt4, wipefsGpt } from "../host/storage/recorded-block-devices.js";
import { vgsMissingGroupStderr } from "../host/storage/recorded-lvm.js";

// LVM's and util-linux's JSON as recorded (test/unit/host/storage/recorded-*.ts), with the lab's device names.
function pvs(...rows: Array<{ device: string; group?: string; groupTags?: string }>): string {
  const lines = rows.map(
    (row) => `{"pv_name":"${row.device}", "vg_name":"${row.group ?? ""}", "pv_size":"107369988096", "pv_free":"107369988096", "pv_tags":"", "vg_tags":"${row.groupTags ?? ""}"}`,
  );
  return `  {\n      "report": [\n          {\n              "pv": [\n                  ${lines.join(",\n                  ")}\n              ]\n          }\n      ]\n  }\n`;
}
function vgs(name: string, tags: string): string {
  return `  {\n      "report": [\n          {\n              "vg": [\n                  {"vg_name":"${name}", "vg_size":"107369988096", "vg_free":"107369988096", "vg_tags":"${tags}", "pv_count":"1", "lv_count":"0"}\n              ]\n          }\n      ]\n  }\n`;
}
function lsblk(name: string, mountpoint: string | null = null): string {
  return JSON.stringify({ blockdevices: [{ name, type: "disk", size: 107374182400, fstype: null, pttype: null, mountpoint }] });
}

interface Disk {
  lsblk?: string;
  wipefs?: string;
}

/** The host as LVM and util-linux would answer for it. */
function host(options: { pvs?: string; vg?: string; disks: Record<string, Disk> }): FakeExec {
  return new FakeExec((argv): Answer => {
    const device = argv.at(-1)!;
    switch (argv[0]) {
      case "pvs":
        return { stdout: options.pvs ?? pvs() };
      case "vgs":
        return options.vg === undefined ? { fails: vgsMissingGroupStderr.replaceAll("nosuchvg", "alkor") } : { stdout: options.vg };
      case "lsblk":
        return { stdout: options.disks[device]?.lsblk ?? lsblk(device.slice(5)) };
      case "wipefs":
        return { stdout: options.disks[device]?.wipefs ?? wipefsBlank };
      default:
        return { stdout: "" };
    }
  });
}

/** The qemu-lab recording, with more virtio disks (and their partitions) if asked. */
async function labMachine(extra: Array<{ name: string; type?: string; mount?: string; device?: string }> = []): Promise<SystemInfoRecording> {
  const recording = await loadRecording("qemu-lab-synthetic");
  const template = recording.blockDevices!.find((block) => block.name === "vdb")!;
  for (const block of extra) {
    recording.blockDevices!.push({ ...template, name: block.name, type: block.type ?? "disk", mount: block.mount ?? "", device: block.device ?? `/dev/${block.name}` });
  }
  return recording;
}

async function world(t: { teardown(fn: () => Promise<void>): void }, exec: FakeExec, recording?: SystemInfoRecording) {
  const stateDir = await mkdtemp(join(tmpdir(), "alkor-storage-prep-"));
  t.teardown(() => rm(stateDir, { recursive: true, force: true }));
  const lines: string[] = [];
  const machine = recording ?? (await labMachine());
  const prepWorld: StoragePrepWorld = {
    exec,
    readInventory: () => collectInventory(recordedSystemInfo(machine)),
    loadProfiles: () => loadProfiles(join(repoRoot, "hw-profiles"), fsProfileFiles),
    files: localDurableFiles,
    stateDir,
    clock: new ManualClock(),
    feedback: (line) => lines.push(line),
  };
  return { prepWorld, lines, stateDir, marker: () => localDurableFiles.readIfExists(join(stateDir, "storage-prepared")) };
}

const writes = (exec: FakeExec) => exec.commands.filter((command) => /^(pvcreate|vgcreate|vgextend|pvremove|vgremove|wipefs -a)/.test(command));

test("a blank data disk becomes a physical volume of the volume group tagged alkor, and the marker is written", async (t) => {
  const exec = host({ disks: {} });
  const { prepWorld, lines, marker } = await world(t, exec);
  const plan = await prepareStorage(prepWorld, { dryRun: false });
  t.is(plan.outcome, "create");
  t.deepEqual(writes(exec), ["pvcreate -qq /dev/vdb", "vgcreate -qq --addtag alkor alkor /dev/vdb"]);
  t.like(JSON.parse((await marker()) ?? "{}"), { volumeGroup: "alkor", devices: ["/dev/vdb"], profile: "qemu-lab" });
  t.true(lines.includes("/dev/vdb: blank: will become a physical volume."));
  t.is(lines.at(-1), "Storage prepared: volume group alkor (tagged alkor) on /dev/vdb.");
});

test("a second run finds the volume group alkor made and changes nothing", async (t) => {
  const exec = host({ pvs: pvs({ device: "/dev/vdb", group: "alkor", groupTags: "alkor" }), vg: vgs("alkor", "alkor"), disks: {} });
  const { prepWorld, lines, marker } = await world(t, exec);
  const plan = await prepareStorage(prepWorld, { dryRun: false });
  t.is(plan.outcome, "already_prepared");
  t.deepEqual(writes(exec), []);
  t.true(lines.some((line) => /^Storage is already prepared: volume group alkor \(tagged alkor\) is on \/dev\/vdb\.$/.test(line)));
  // The marker is (re)written, so a unit conditioned on it stops running this.
  t.truthy(await marker());
});

test("a disk with a filesystem is refused, naming the disk and what is on it, and nothing is touched", async (t) => {
  const exec = host({ disks: { "/dev/vdb": { wipefs: wipefsExt4.replaceAll("loop2", "vdb") } } });
  const { prepWorld, marker } = await world(t, exec);
  const error = await t.throwsAsync(prepareStorage(prepWorld, { dryRun: false }), { instanceOf: AlkorError, code: "wrong_state" });
  t.regex(error?.message ?? "", /Refusing to prepare storage; nothing was changed:\n {2}\/dev\/vdb holds a ext4 signature \(label "data"\)\./);
  t.regex(error?.message ?? "", /wipefs -a DEVICE/);
  t.deepEqual(writes(exec), []);
  t.is(await marker(), undefined);
});

test("a disk with a partition table is refused as such (one mention for GPT and its protective MBR)", async (t) => {
  const exec = host({ disks: { "/dev/vdb": { wipefs: wipefsGpt.replaceAll("loop2", "vdb") } } });
  const plan = await planStoragePreparation((await world(t, exec)).prepWorld);
  t.deepEqual(plan.refusals, ["/dev/vdb holds a gpt partition table."]);
});

test("a partitioned disk with a mounted partition is refused for each", async (t) => {
  const exec = host({ disks: { "/dev/vdb": { lsblk: lsblkPartitioned.replaceAll("vdc", "vdb") } } });
  const plan = await planStoragePreparation((await world(t, exec)).prepWorld);
  t.deepEqual(plan.refusals, ["/dev/vdb holds vdb2, mounted at /srv/data, partitions vdb1, vdb2, a gpt partition table."]);
});

test("a mounted disk is refused", async (t) => {
  const exec = host({ disks: { "/dev/vdb": { lsblk: lsblk("vdb", "/mnt") } } });
  const plan = await planStoragePreparation((await world(t, exec)).prepWorld);
  t.deepEqual(plan.refusals, ["/dev/vdb holds a filesystem mounted at /mnt."]);
});

test("a physical volume of a volume group alkor did not tag is refused", async (t) => {
  const exec = host({ pvs: pvs({ device: "/dev/vdb", group: "data" }), disks: {} });
  const plan = await planStoragePreparation((await world(t, exec)).prepWorld);
  t.deepEqual(plan.refusals, ['/dev/vdb holds an LVM physical volume of volume group "data" (not tagged alkor).']);
});

test("a volume group named alkor without the alkor tag is refused, even on alkor's disks", async (t) => {
  const exec = host({ pvs: pvs({ device: "/dev/vdb", group: "alkor" }), vg: vgs("alkor", ""), disks: {} });
  const plan = await planStoragePreparation((await world(t, exec)).prepWorld);
  t.is(plan.outcome, "refused");
  t.deepEqual(plan.refusals, ['Volume group "alkor" exists but alkor did not create it (it has no "alkor" tag).', '/dev/vdb holds an LVM physical volume of volume group "alkor" (not tagged alkor).']);
});

test("a physical volume in no group is refused unless an interrupted preparation noted it", async (t) => {
  const exec = host({ pvs: pvs({ device: "/dev/vdb" }), disks: {} });
  const { prepWorld, stateDir } = await world(t, exec);
  t.deepEqual((await planStoragePreparation(prepWorld)).refusals, ["/dev/vdb holds an LVM physical volume in no volume group, which alkor did not create."]);

  // The note pvcreate left before it was interrupted (written by executeStoragePlan).
  await localDurableFiles.writeDurably(join(stateDir, "storage-prep-intent.json"), JSON.stringify({ volumeGroup: "alkor", devices: ["/dev/vdb"] }));
  const plan = await prepareStorage(prepWorld, { dryRun: false });
  t.is(plan.outcome, "create");
  t.deepEqual(writes(exec), ["vgcreate -qq --addtag alkor alkor /dev/vdb"]);
  t.is(await localDurableFiles.readIfExists(join(stateDir, "storage-prep-intent.json")), undefined);
});

test("a new blank disk next to a prepared one extends the volume group", async (t) => {
  const exec = host({ pvs: pvs({ device: "/dev/vdb", group: "alkor", groupTags: "alkor" }), vg: vgs("alkor", "alkor"), disks: {} });
  const { prepWorld } = await world(t, exec, await labMachine([{ name: "vdc" }]));
  const plan = await prepareStorage(prepWorld, { dryRun: false });
  t.is(plan.outcome, "extend");
  t.deepEqual(writes(exec), ["pvcreate -qq /dev/vdc", "vgextend -qq alkor /dev/vdc"]);
});

test("a dry run prints the plan and changes nothing", async (t) => {
  const exec = host({ disks: {} });
  const { prepWorld, lines, marker } = await world(t, exec);
  await prepareStorage(prepWorld, { dryRun: true });
  t.deepEqual(writes(exec), []);
  t.is(await marker(), undefined);
  t.deepEqual(lines.slice(-3), ["Plan: pvcreate /dev/vdb", "Plan: vgcreate --addtag alkor alkor /dev/vdb", "Dry run: nothing was changed."]);
});

test("a matching disk that holds the system is never taken, and is named as skipped", async (t) => {
  const exec = host({ disks: {} });
  const machine = await labMachine([{ name: "vdc" }, { name: "vdc1", type: "part", mount: "/var", device: "/dev/vdc" }]);
  const plan = await planStoragePreparation((await world(t, exec, machine)).prepWorld);
  t.deepEqual(plan.disks.map((disk) => disk.device), ["/dev/vdb"]);
  t.deepEqual(plan.skipped, ["/dev/vdc"]);
});

test("hardware without a profile of its own has no data disks, and nothing is done", async (t) => {
  const exec = host({ disks: {} });
  const { prepWorld, lines, marker } = await world(t, exec, await loadRecording("this-machine"));
  const plan = await prepareStorage(prepWorld, { dryRun: false });
  t.is(plan.outcome, "nothing_selected");
  t.deepEqual(exec.commands, []);
  t.is(await marker(), undefined);
  t.regex(lines.at(-1) ?? "", /Profile generic selects no data disks on this machine/);
});
