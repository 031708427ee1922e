import test from "ava";
import { join } from "node:path";
import { collectInventory, type Inventory } from "../../../../src/host/hw/inventory.js";
import { fsProfileFiles } from "../../../../src/host/hw/profile-files.js";
import {
  assignNicRoles,
  HardwareProfileSchema,
  loadProfiles,
  selectDataDisks,
  type HardwareProfile,
} from "../../../../src/host/hw/profile.js";
import { recordedSystemInfo } from "../../../../src/host/hw/systeminformation-source.js";
import { loadRecording, repoRoot } from "../../../fixtures/systeminformation/load.js";

async function inventoryOf(name: string): Promise<Inventory> {
  return collectInventory(recordedSystemInfo(await loadRecording(name)));
}

async function shippedProfile(name: string): Promise<HardwareProfile> {
  const found = (await loadProfiles(join(repoRoot, "hw-profiles"), fsProfileFiles)).find((profile) => profile.name === name);
  if (found === undefined) throw new Error(`no profile ${name}`);
  return found;
}

const profile = (input: unknown) => HardwareProfileSchema.parse(input);

test("on a Dell R640, eno1 is management, eno2 replication and the 25G ports carry VM traffic", async (t) => {
  const roles = assignNicRoles(await inventoryOf("dell-r640-synthetic"), await shippedProfile("dell-poweredge-r640"));
  t.deepEqual(roles, { management: ["eno1"], replication: ["eno2"], vm: ["ens2f0np0", "ens2f1np1"] });
});

test("on a QEMU lab node the NICs take management, replication and VM roles in slot order", async (t) => {
  const roles = assignNicRoles(await inventoryOf("qemu-lab-synthetic"), await shippedProfile("qemu-lab"));
  t.deepEqual(roles, { management: ["enp0s2"], replication: ["enp0s3"], vm: ["enp0s4"] });
});

test("the generic profile makes the NIC with the default route management", async (t) => {
  const roles = assignNicRoles(await inventoryOf("this-machine"), await shippedProfile("generic"));
  t.deepEqual(roles, { management: ["eth0"], replication: [], vm: [] });
});

test("without a default route the generic profile falls back to the first NIC in name order", async (t) => {
  const inventory = await inventoryOf("dell-r640-synthetic");
  const noRoute = { ...inventory, nics: inventory.nics.map((nic) => ({ ...nic, defaultRoute: false })) };
  t.deepEqual(assignNicRoles(noRoute, await shippedProfile("generic")).management, ["eno1"]);
});

test("a NIC takes at most one role, the first role whose rule selects it", async (t) => {
  const greedy = profile({ name: "greedy", nicRoles: { management: [{ name: "^eno" }], replication: [{ name: "^eno" }] } });
  const roles = assignNicRoles(await inventoryOf("dell-r640-synthetic"), greedy);
  t.deepEqual(roles.management, ["eno1", "eno2", "eno3", "eno4"]);
  t.deepEqual(roles.replication, []);
});

test("virtual NICs never take a role", async (t) => {
  const any = profile({ name: "any", nicRoles: { vm: [{}] } });
  const roles = assignNicRoles(await inventoryOf("this-machine"), any);
  t.deepEqual(roles.vm, ["eth0"]);
});

test("NIC rules select by MAC prefix and by minimum speed, and a slower or linkless NIC is skipped", async (t) => {
  const bySpeed = profile({
    name: "by-speed",
    nicRoles: { management: [{ macPrefix: "B0:26:28", count: 1 }], vm: [{ minSpeedMbps: 25000 }] },
  });
  const roles = assignNicRoles(await inventoryOf("dell-r640-synthetic"), bySpeed);
  t.deepEqual(roles, { management: ["eno1"], replication: [], vm: ["ens2f0np0", "ens2f1np1"] });
});

test("the Dell profile takes the NVMe drives and the large SATA SSD, never the BOSS boot card", async (t) => {
  const disks = selectDataDisks(await inventoryOf("dell-r640-synthetic"), await shippedProfile("dell-poweredge-r640"));
  t.deepEqual(
    disks.map((disk) => disk.name),
    ["nvme0n1", "nvme1n1", "sdb"],
  );
});

test("the Dell profile still leaves the BOSS card alone when it is not mounted, as on a node booted into RAM", async (t) => {
  const inventory = await inventoryOf("dell-r640-synthetic");
  const unmounted = { ...inventory, disks: inventory.disks.map((disk) => ({ ...disk, system: false })) };
  const names = selectDataDisks(unmounted, await shippedProfile("dell-poweredge-r640")).map((disk) => disk.name);
  t.false(names.includes("sda"));
});

test("the qemu-lab profile takes vdb and leaves the image disk vda", async (t) => {
  const disks = selectDataDisks(await inventoryOf("qemu-lab-synthetic"), await shippedProfile("qemu-lab"));
  t.deepEqual(
    disks.map((disk) => disk.name),
    ["vdb"],
  );
});

test("the generic profile takes no data disks", async (t) => {
  t.deepEqual(selectDataDisks(await inventoryOf("this-machine"), await shippedProfile("generic")), []);
});

test("a mounted or removable disk is never taken, whatever the rules say", async (t) => {
  const inventory = await inventoryOf("qemu-lab-synthetic");
  const removable = { ...inventory, disks: inventory.disks.map((disk) => ({ ...disk, removable: disk.name === "vdb" })) };
  const everyVirtio = profile({ name: "every-virtio", dataDisks: { select: [{ name: "^vd" }] } });
  t.deepEqual(selectDataDisks(removable, everyVirtio), []);
});

test("a disk below the minimum size is not taken", async (t) => {
  const big = profile({ name: "big", dataDisks: { select: [{ name: "^vd", minBytes: 200 * 1024 ** 3 }] } });
  t.deepEqual(selectDataDisks(await inventoryOf("qemu-lab-synthetic"), big), []);
});
