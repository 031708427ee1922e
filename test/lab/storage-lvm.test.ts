import test from "ava";
import { probeSignatures, showBlockDevice } from "../../src/host/storage/block-devices.js";
import { alkorTag, Lvm } from "../../src/host/storage/lvm.js";
import { waitFor } from "../helpers/wait.js";
import { openLab, type LabNode } from "./harness.js";

/**
 * Contract test of the LVM adapter (src/host/storage/lvm.ts) and the block
 * device probes against the real tools and kernel of a lab guest: the adapter
 * runs here, its Exec runs lvm2 and util-linux inside the guest. It works on
 * a 128 MiB loop device of its own, so it neither needs nor touches the
 * first-boot volume group (cluster.test.ts checks that one). It checks the
 * outputs the unit tests only have written by hand: an active LV's lv_attr,
 * lsblk's children.
 */
let node: LabNode;
let lvm: Lvm;
const group = "alkor-lab-vg";
const volume = "alkor-lab-lv";
const image = "/var/tmp/alkor-lab-lvm.img";
let loopDevice = "";

async function detachLoops(): Promise<void> {
  const { stdout } = await node.exec.run(["losetup", "-j", image]).catch(() => ({ stdout: "" }));
  for (const line of stdout.split("\n")) {
    const device = line.split(":")[0];
    if (device) await node.exec.run(["losetup", "-d", device]).catch(() => undefined);
  }
}

async function cleanUp(): Promise<void> {
  await lvm.removeLogicalVolume(group, volume).catch(() => undefined);
  await lvm.removeVolumeGroup(group).catch(() => undefined);
  if (loopDevice !== "") await lvm.removePhysicalVolumes([loopDevice]).catch(() => undefined);
  await detachLoops();
  await node.exec.run(["rm", "-f", image]).catch(() => undefined);
}

test.before(async () => {
  node = (await openLab()).nodes[0]!;
  lvm = new Lvm(node.exec);
  await cleanUp(); // what an interrupted earlier run left
  await node.exec.run(["truncate", "-s", "128M", image]);
  loopDevice = (await node.exec.run(["losetup", "-f", "--show", image])).stdout.trim();
});

test.after.always(async () => {
  if (node !== undefined) await cleanUp();
});

test.serial("a blank device becomes a physical volume, and a volume group tagged alkor on it", async (t) => {
  t.deepEqual(await probeSignatures(node.exec, loopDevice), []);
  await lvm.createPhysicalVolumes([loopDevice]);
  t.deepEqual((await probeSignatures(node.exec, loopDevice)).map((signature) => signature.type), ["LVM2_member"]);
  t.like((await lvm.physicalVolumes([loopDevice]))[0], { device: loopDevice, volumeGroup: null, tags: [], volumeGroupTags: [] });

  await lvm.createVolumeGroup(group, [loopDevice]);
  const created = await lvm.volumeGroup(group);
  t.like(created, { name: group, tags: [alkorTag], physicalVolumeCount: 1, logicalVolumeCount: 0 });
  t.true(created!.sizeBytes > 120 * 2 ** 20 && created!.freeBytes === created!.sizeBytes);
  t.like((await lvm.physicalVolumes()).find((pv) => pv.device === loopDevice), { volumeGroup: group, volumeGroupTags: [alkorTag] });
  t.true((await lvm.volumeGroups()).some((listed) => listed.name === group));
  t.is(await lvm.volumeGroup("alkor-lab-nosuch"), null);
});

test.serial("a logical volume is created active and tagged, deactivated, activated and removed", async (t) => {
  const created = await lvm.createLogicalVolume({ volumeGroup: group, name: volume, sizeBytes: 64 * 2 ** 20 });
  t.log(`lv_attr of a new, active volume: ${created.attributes}`);
  t.like(created, { name: volume, volumeGroup: group, sizeBytes: 64 * 2 ** 20, active: true, tags: [alkorTag], path: `/dev/${group}/${volume}` });
  // The guest's udev opens a new volume for a moment to probe it (blkid).
  await waitFor("udev to let go of the new volume", async () => (await lvm.logicalVolume(group, volume))?.open === false, { timeoutMs: 30_000, pollMs: 250 });
  t.true((await lvm.logicalVolumes(group)).some((listed) => listed.name === volume));
  // With DM_DISABLE_UDEV=1, lvm made the device node and its /dev/VG/LV link itself.
  await node.exec.run(["test", "-b", created.path]);
  // An active LV is a device-mapper device on the physical volume: lsblk shows it as a child of type lvm.
  const disk = await showBlockDevice(node.exec, loopDevice);
  // device-mapper's name for it: VG-LV, each "-" inside a name doubled.
  const dmName = `${group.replaceAll("-", "--")}-${volume.replaceAll("-", "--")}`;
  t.true(disk.children.some((child) => child.type === "lvm" && child.name === dmName), `children of ${loopDevice}: ${JSON.stringify(disk.children)}`);

  // The group is not removed while it holds a volume.
  await t.throwsAsync(lvm.removeVolumeGroup(group), { code: "wrong_state" });

  await lvm.deactivateLogicalVolume(group, volume);
  t.like(await lvm.logicalVolume(group, volume), { active: false, open: false });
  t.deepEqual((await showBlockDevice(node.exec, loopDevice)).children, []);
  await lvm.activateLogicalVolume(group, volume);
  t.like(await lvm.logicalVolume(group, volume), { active: true });

  await lvm.removeLogicalVolume(group, volume);
  t.is(await lvm.logicalVolume(group, volume), null);
  t.deepEqual(await lvm.logicalVolumes(group), []);
});

test.serial("the group and the physical volume are removed; pvcreate over a filesystem fails instead of wiping it", async (t) => {
  await lvm.removeVolumeGroup(group);
  t.is(await lvm.volumeGroup(group), null);
  await lvm.removePhysicalVolumes([loopDevice]);
  t.deepEqual(await probeSignatures(node.exec, loopDevice), []);

  // -qq answers pvcreate's "Wipe it?" with no: the adapter fails instead of hanging or wiping.
  await node.exec.run(["mkfs.ext4", "-q", "-L", "alkor-lab", loopDevice]);
  t.like((await probeSignatures(node.exec, loopDevice))[0], { type: "ext4", label: "alkor-lab" });
  await t.throwsAsync(lvm.createPhysicalVolumes([loopDevice]), { message: /ext4 signature detected/ });
  t.like((await probeSignatures(node.exec, loopDevice))[0], { type: "ext4" });
});
