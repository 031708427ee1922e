import test from "ava";
import type { DiskRef } from "../../../../src/host/disks/disk-store.js";
import { PlainDiskStore } from "../../../../src/host/disks/plain-store.js";
import { Lvm } from "../../../../src/host/storage/lvm.js";
import { FakeExec, type Answer } from "../net/fake-exec.js";
import {
  diskUuid,
  lvcreateExistsStderr,
  lvsDisk0,
  lvsDisk1Rounded,
  lvsMissingDisk1Stderr,
  vgsMissingAlkorStderr,
  vgsWithTwoDisks,
} from "./recorded-plain.js";

// Plain disks on the Lvm adapter, replaying recorded lvs/vgs output: this
// machine's kernel has no device-mapper. The real run belongs in the lab tier.

const instanceUuid = "0b1f3c5e-8a2d-4c6f-9e1b-3d5f7a9c2e4b";
const disk0: DiskRef = { instanceUuid, diskUuid, index: 0, format: "raw" };
const disk1: DiskRef = { ...disk0, index: 1 };
const report = "--reportformat json --units b --nosuffix";
const lvsArgs = `lvs ${report} -o lv_name,vg_name,lv_size,lv_attr,lv_tags,lv_path`;
const vgsArgs = `vgs ${report} -o vg_name,vg_size,vg_free,vg_tags,pv_count,lv_count`;

/** A node whose volume group holds the volumes named, answering as the recorded tools did. */
function node(volumes: Record<string, string>, vgs: Answer = { stdout: vgsWithTwoDisks }, otherwise: (argv: readonly string[]) => Answer = () => ({ stdout: "" })): FakeExec {
  return new FakeExec((argv) => {
    if (argv[0] === "lvs") {
      const name = argv.at(-1)?.split("/")[1] ?? "";
      const stdout = volumes[name];
      return stdout === undefined ? { fails: lvsMissingDisk1Stderr.replace(`${diskUuid}.disk1`, name) } : { stdout };
    }
    if (argv[0] === "vgs") return vgs;
    return otherwise(argv);
  });
}

test("a plain disk is the logical volume <disk uuid>.disk<index> in the volume group", (t) => {
  const store = new PlainDiskStore(new Lvm(node({})));
  t.is(store.template, "plain");
  t.is(store.pathOf(disk0), `/dev/alkor/${diskUuid}.disk0`);
  t.is(new PlainDiskStore(new Lvm(node({})), "xenvg").pathOf(disk1), `/dev/xenvg/${diskUuid}.disk1`);
});

test("plain disks are raw: a qcow2 one is refused", (t) => {
  t.throws(() => new PlainDiskStore(new Lvm(node({}))).pathOf({ ...disk0, format: "qcow2" }), { code: "wrong_input", message: /plain disks are raw logical volumes/ });
});

test("creating checks the volume is absent and fits, then runs lvcreate tagged alkor with the size in bytes", async (t) => {
  let created = false;
  const exec = new FakeExec((argv) => {
    if (argv[0] === "lvs") return created ? { stdout: lvsDisk0 } : { fails: lvsMissingDisk1Stderr };
    if (argv[0] === "vgs") return { stdout: vgsWithTwoDisks };
    created = argv[0] === "lvcreate";
    return { stdout: "" };
  });
  const path = await new PlainDiskStore(new Lvm(exec)).create(disk0, 32);
  t.is(path, `/dev/alkor/${diskUuid}.disk0`);
  t.deepEqual(exec.commands, [
    `${lvsArgs} alkor/${diskUuid}.disk0`,
    `${vgsArgs} alkor`,
    `lvcreate -L 33554432b -n ${diskUuid}.disk0 -y --wipesignatures y --addtag alkor alkor`,
    `${lvsArgs} alkor/${diskUuid}.disk0`,
  ]);
});

test("creating a volume that is there is refused without running lvcreate", async (t) => {
  const exec = node({ [`${diskUuid}.disk0`]: lvsDisk0 });
  await t.throwsAsync(new PlainDiskStore(new Lvm(exec)).create(disk0, 32), { code: "already_exists", message: new RegExp(`already exists as logical volume alkor/${diskUuid}.disk0`) });
  t.false(exec.commands.some((command) => command.startsWith("lvcreate")));
});

test("lvcreate's own 'already exists' (a racing retry) is already_exists too", async (t) => {
  const exec = node({}, { stdout: vgsWithTwoDisks }, () => ({ fails: lvcreateExistsStderr }));
  await t.throwsAsync(new PlainDiskStore(new Lvm(exec)).create(disk0, 32), { code: "already_exists" });
});

test("a disk larger than the group's free space is refused, naming both sizes", async (t) => {
  const exec = node({});
  const store = new PlainDiskStore(new Lvm(exec));
  t.is(await store.freeMiB(), 80);
  await t.throwsAsync(store.create(disk0, 81), { code: "insufficient_resources", message: /\(81 MiB\) needs 81 MiB, but volume group alkor has only 80 MiB free/ });
  t.false(exec.commands.some((command) => command.startsWith("lvcreate")));
});

test("a missing volume group is an environment error naming it", async (t) => {
  const store = new PlainDiskStore(new Lvm(node({}, { fails: vgsMissingAlkorStderr })));
  await t.throwsAsync(store.freeMiB(), { code: "environment_error", message: /Volume group alkor does not exist on this node/ });
  await t.throwsAsync(store.create(disk0, 8), { code: "environment_error" });
});

test("sizes are the volumes' in MiB, extents included, and null for an absent one", async (t) => {
  const store = new PlainDiskStore(new Lvm(node({ [`${diskUuid}.disk0`]: lvsDisk0, [`${diskUuid}.disk1`]: lvsDisk1Rounded })));
  t.is(await store.sizeOf(disk0), 32);
  t.is(await store.sizeOf(disk1), 12);
  t.is(await new PlainDiskStore(new Lvm(node({}))).sizeOf(disk0), null);
});

test("growing runs lvextend to the new size in bytes; the same size does nothing", async (t) => {
  const exec = node({ [`${diskUuid}.disk0`]: lvsDisk0 });
  const store = new PlainDiskStore(new Lvm(exec));
  await store.grow(disk0, 64);
  t.is(exec.commands.at(-1), `lvextend -L 67108864b alkor/${diskUuid}.disk0`);
  const before = exec.commands.length;
  await store.grow(disk0, 32);
  t.is(exec.commands.length, before + 1, "only the lvs that read the size");
});

test("a plain disk never shrinks, and grows only by what the group has free", async (t) => {
  const exec = node({ [`${diskUuid}.disk0`]: lvsDisk0 });
  const store = new PlainDiskStore(new Lvm(exec));
  await t.throwsAsync(store.grow(disk0, 16), { code: "wrong_input", message: /is 32 MiB; it cannot shrink to 16 MiB/ });
  await t.throwsAsync(store.grow(disk0, 113), { code: "insufficient_resources", message: /from 32 to 113 MiB needs 81 MiB, but volume group alkor has only 80 MiB free/ });
  t.false(exec.commands.some((command) => command.startsWith("lvextend")));
  await t.throwsAsync(new PlainDiskStore(new Lvm(node({}))).grow(disk0, 64), { code: "environment_error", message: /there is no logical volume alkor\// });
});

test("removal runs lvremove once the volume is there, and nothing when it is gone", async (t) => {
  const present = node({ [`${diskUuid}.disk0`]: lvsDisk0 });
  await new PlainDiskStore(new Lvm(present)).remove(disk0);
  t.is(present.commands.at(-1), `lvremove -f alkor/${diskUuid}.disk0`);
  const gone = node({});
  await new PlainDiskStore(new Lvm(gone)).remove(disk0);
  t.deepEqual(gone.commands, [`${lvsArgs} alkor/${diskUuid}.disk0`]);
});

test("a volume removed between the check and lvremove counts as removed", async (t) => {
  const exec = node({ [`${diskUuid}.disk0`]: lvsDisk0 }, undefined, () => ({ fails: lvsMissingDisk1Stderr }));
  await t.notThrowsAsync(new PlainDiskStore(new Lvm(exec)).remove(disk0));
});

test("activation runs lvchange -ay and gives the device path; deactivation -an, and nothing for a gone volume", async (t) => {
  const exec = node({ [`${diskUuid}.disk0`]: lvsDisk0 });
  const store = new PlainDiskStore(new Lvm(exec));
  t.is(await store.activate(disk0), `/dev/alkor/${diskUuid}.disk0`);
  await store.deactivate(disk0);
  t.deepEqual(
    exec.commands.filter((command) => command.startsWith("lvchange")),
    [`lvchange -ay alkor/${diskUuid}.disk0`, `lvchange -an alkor/${diskUuid}.disk0`],
  );
  const gone = node({});
  await new PlainDiskStore(new Lvm(gone)).deactivate(disk1);
  await t.throwsAsync(new PlainDiskStore(new Lvm(gone)).activate(disk1), { code: "environment_error", message: /Disk 1 of instance .* is missing on this node/ });
  t.false(gone.commands.some((command) => command.startsWith("lvchange")));
});

test("a bad disk reference or volume group name is refused before any tool runs", async (t) => {
  const exec = node({});
  await t.throwsAsync(new PlainDiskStore(new Lvm(exec)).create({ ...disk0, diskUuid: "-ff" }, 8), { code: "wrong_input" });
  t.throws(() => new PlainDiskStore(new Lvm(exec), "-vg"), { message: /not a valid volume group name/ });
  t.deepEqual(exec.commands, []);
});

test("the inventory lists the group's volumes tagged alkor and named as disks; none without the group", async (t) => {
  // The group's lvs report, made of the recorded volumes: disk0 and disk1 as recorded, one
  // volume with a disk's name but not tagged alkor, one tagged alkor with another name.
  const recorded = [lvsDisk0, lvsDisk1Rounded].map((stdout) => JSON.parse(stdout).report[0].lv[0]);
  const untagged = { ...recorded[0], lv_name: `${diskUuid}.disk7`, lv_tags: "" };
  const otherName = { ...recorded[0], lv_name: "swap", lv_tags: "alkor" };
  const exec = new FakeExec(() => ({ stdout: JSON.stringify({ report: [{ lv: [...recorded, untagged, otherName] }] }) }));
  t.deepEqual(await new PlainDiskStore(new Lvm(exec)).inventory(), [
    { diskUuid, index: 0, location: `alkor/${diskUuid}.disk0` },
    { diskUuid, index: 1, location: `alkor/${diskUuid}.disk1` },
  ]);
  t.deepEqual(exec.commands, [`${lvsArgs} alkor`]);
  t.deepEqual(await new PlainDiskStore(new Lvm(new FakeExec(() => ({ fails: vgsMissingAlkorStderr })))).inventory(), []);
});
