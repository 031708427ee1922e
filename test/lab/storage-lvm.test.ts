import test from "ava";
import { probeSignatures, showBlockDevice } from "../../src/host/storage/block-devices.js";
import { alkorTag, Lvm } from "../../src/host/storage/lvm.js";
import { openLab, type LabNode } from "./harness.js";

/**
 * Contract test of the LVM adapter (src/host/storage/lvm.ts) and the block
 * device probes against the real tools and kernel of a lab guest: the adapter
 * runs here, its Exec runs lvm2 and util-linux inside the guest. Checks the
 * outputs the unit tests only have written by hand (an active LV's lv_attr,
 * lsblk's children). Volumes stay small (64 MiB).
 */
let node: LabNode;
let lvm: Lvm;
const volume = "alkor-lab-lvm";
const scratchGroup = "alkor-lab-vg";
const scratchImage = "/var/tmp/alkor-lab-lvm.img";
let loopDevice: string | undefined;

test.before(async () => {
  node = (await openLab()).nodes[0]!;
  lvm = new Lvm(node.exec);
  // Leftovers of an interrupted earlier run.
  await lvm.removeLogicalVolume("alkor", volume).catch(() => undefined);
});

test.after.always(async () => {
  if (node === undefined) return;
  await lvm.removeLogicalVolume("alkor", volume).catch(() => undefined);
  await lvm.removeVolumeGroup(scratchGroup).catch(() => undefined);
  if (loopDevice !== undefined) {
    await lvm.removePhysicalVolumes([loopDevice]).catch(() => undefined);
    await node.exec.run(["losetup", "-d", loopDevice]).catch(() => undefined);
  }
  await node.exec.run(["rm", "-f", scratchImage]).catch(() => undefined);
});

test.serial("the first-boot volume group is listed with its tag, on the data disk", async (t) => {
  const group = await lvm.volumeGroup("alkor");
  t.truthy(group, "the volume group alkor exists");
  t.true(group!.tags.includes(alkorTag));
  t.true(group!.sizeBytes > 0 && group!.freeBytes <= group!.sizeBytes);
  const pv = (await lvm.physicalVolumes()).find((candidate) => candidate.device === node.dataDisk);
  t.like(pv, { device: node.dataDisk, volumeGroup: "alkor" });
  t.true(pv!.volumeGroupTags.includes(alkorTag));
  t.is(await lvm.volumeGroup("alkor-lab-nosuch"), null);
});

test.serial("a logical volume is created active and tagged, deactivated, activated and removed", async (t) => {
  const created = await lvm.createLogicalVolume({ volumeGroup: "alkor", name: volume, sizeBytes: 64 * 2 ** 20 });
  t.like(created, { name: volume, volumeGroup: "alkor", sizeBytes: 64 * 2 ** 20, active: true, open: false, tags: [alkorTag], path: `/dev/alkor/${volume}` });
  t.log(`lv_attr of an active volume: ${created.attributes}`);
  t.true((await lvm.logicalVolumes("alkor")).some((listed) => listed.name === volume));
  // An active LV is a device-mapper device stacked on the data disk: lsblk shows it as a child of type lvm.
  const disk = await showBlockDevice(node.exec, node.dataDisk);
  t.true(disk.children.some((child) => child.type === "lvm" && child.name === `alkor-${volume.replaceAll("-", "--")}`), JSON.stringify(disk.children));
  await node.exec.run(["test", "-b", created.path]);

  await lvm.deactivateLogicalVolume("alkor", volume);
  t.like(await lvm.logicalVolume("alkor", volume), { active: false, open: false });
  await lvm.activateLogicalVolume("alkor", volume);
  t.like(await lvm.logicalVolume("alkor", volume), { active: true });

  await lvm.removeLogicalVolume("alkor", volume);
  t.is(await lvm.logicalVolume("alkor", volume), null);
});

test.serial("physical volumes and a tagged volume group are made on a blank device, and refused over a filesystem", async (t) => {
  await node.exec.run(["truncate", "-s", "64M", scratchImage]);
  loopDevice = (await node.exec.run(["losetup", "-f", "--show", scratchImage])).stdout.trim();
  t.deepEqual(await probeSignatures(node.exec, loopDevice), []);

  await lvm.createPhysicalVolumes([loopDevice]);
  t.deepEqual((await probeSignatures(node.exec, loopDevice)).map((signature) => signature.type), ["LVM2_member"]);
  t.like((await lvm.physicalVolumes([loopDevice]))[0], { device: loopDevice, volumeGroup: null });
  await lvm.createVolumeGroup(scratchGroup, [loopDevice]);
  t.like(await lvm.volumeGroup(scratchGroup), { name: scratchGroup, tags: [alkorTag], physicalVolumeCount: 1, logicalVolumeCount: 0 });
  await lvm.removeVolumeGroup(scratchGroup);
  t.is(await lvm.volumeGroup(scratchGroup), null);
  await lvm.removePhysicalVolumes([loopDevice]);

  // pvcreate -qq answers no to wiping a filesystem: the adapter fails instead of hanging or wiping.
  await node.exec.run(["mkfs.ext4", "-q", "-L", "alkor-lab", loopDevice]);
  t.like((await probeSignatures(node.exec, loopDevice))[0], { type: "ext4", label: "alkor-lab" });
  await t.throwsAsync(lvm.createPhysicalVolumes([loopDevice]), { message: /ext4 signature detected/ });
  t.like((await probeSignatures(node.exec, loopDevice))[0], { type: "ext4" });
});
