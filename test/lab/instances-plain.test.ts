import { randomUUID } from "node:crypto";
import test from "ava";
import { eventually } from "../helpers/wait.js";
import { InstanceListBodySchema } from "../../src/api/local/contract.js";
import { lvsFields, parseLvsReport, type LogicalVolume } from "../../src/host/storage/lvm-report.js";
import type { InstanceView } from "../../src/model/instance.js";
import { openLab, recordFigure, type Lab, type LabNode } from "./harness.js";

/**
 * Instances on the lab's real nodes, through the guests' own alkor-instance:
 * the plain template's logical volumes in the volume group the first-boot
 * unit made (the host's kernel has no device-mapper, so only the lab can
 * show them), checked with the guest's own lvs; a file and a diskless
 * instance beside it. Everything is created with --no-start; one diskless
 * instance is then started, to show the image's libvirtd and qemu run a
 * domain (type qemu: the nodes have no /dev/kvm). The lifecycle itself is
 * the host-side tests' part (test/integration/). Runs after cluster.test in
 * make lab-test.
 */
const agentTimeoutMs = 10 * 60_000;
// A job runs opcodes on the master and RPCs on the primary, each step a few TCG seconds.
const jobTimeoutMs = 5 * 60_000;
const MiB = 2 ** 20;
const volumeGroup = "alkor";
const lvmEnv = { DM_DISABLE_UDEV: "1", LC_ALL: "C" };
const names = { plain: "lab-plain1", file: "lab-file1", diskless: "lab-diskless1", booted: "lab-boot1" };

let lab: Lab;
/** Where the commands run: the first node, which need not be the master nor any instance's primary. */
let cli: LabNode;

async function alkorInstance(args: string[], timeoutMs = jobTimeoutMs): Promise<string> {
  return (await cli.exec.run(["/usr/local/bin/alkor-instance", ...args], { timeoutMs })).stdout;
}

async function listed(): Promise<InstanceView[]> {
  return InstanceListBodySchema.shape.instances.parse(JSON.parse(await alkorInstance(["list", "--json"], 60_000)));
}

async function instance(name: string): Promise<InstanceView> {
  const found = (await listed()).find((view) => view.name === name);
  if (!found) throw new Error(`alkor-instance list does not show ${name}`);
  return found;
}

/** The volume group's logical volumes as the node's own lvs reports them. */
async function logicalVolumes(node: LabNode): Promise<LogicalVolume[]> {
  const { stdout } = await node.exec.run(["lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", lvsFields.join(","), volumeGroup], {
    env: lvmEnv,
  });
  return parseLvsReport(stdout);
}

/** Disk 0's logical volume, as the plain template names it: `<disk uuid>.disk0`. */
function volumeNameOf(view: InstanceView): string {
  return `${view.disks[0]!.uuid}.disk0`;
}

async function removeOurs(): Promise<void> {
  const present = (await listed()).map((view) => view.name);
  for (const name of Object.values(names)) {
    if (present.includes(name)) await alkorInstance(["remove", "-f", name]);
  }
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<{ result: T; seconds: string }> {
  const started = Date.now();
  const result = await work();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  recordFigure(`${what}: ${seconds} s`);
  return { result, seconds };
}

/**
 * libvirtd is socket-activated: its first connection on a node starts it and
 * has it probe qemu's capabilities, 10-15 s of TCG CPU, longer than the 5 s
 * an opcode gives instance.report. Made here, one node at a time, so the
 * jobs below measure alkor and not libvirtd's start (the figure is recorded).
 */
async function startLibvirtd(node: LabNode): Promise<void> {
  const started = Date.now();
  await node.exec.run(["virsh", "-c", "qemu:///system", "version"], { timeoutMs: 180_000 });
  const figure = `libvirtd's first qemu:///system connection on ${node.name} under TCG: ${((Date.now() - started) / 1000).toFixed(1)} s`;
  recordFigure(figure);
}

async function masterNamedBy(node: LabNode): Promise<string | null> {
  try {
    return (await node.exec.run(["/usr/local/bin/alkor-cluster", "getmaster"])).stdout.trim() || null;
  } catch {
    return null;
  }
}

test.before(async () => {
  lab = await openLab();
  if (lab.nodes.length < 3) throw new Error(`These tests place instances on three nodes; the lab has ${lab.nodes.length}.`);
  cli = lab.nodes[0]!;
  for (const node of lab.nodes) await lab.waitForAgent(node.name, agentTimeoutMs);
  for (const node of lab.nodes) await startLibvirtd(node);
  // A job whose master loses its lease is left to the next one, and the command following it fails: start on a settled cluster.
  await eventually("every node to name the same master", agentTimeoutMs, async () => {
    const masters = await Promise.all(lab.nodes.map(masterNamedBy));
    return masters[0] && masters.every((name) => name === masters[0]) ? masters[0] : null;
  }, 2000);
  await removeOurs(); // what an interrupted earlier run left
});

test.after.always(async () => {
  if (cli !== undefined) await removeOurs();
});

test.serial("a plain instance added with --no-start is a 64 MiB logical volume tagged alkor in its primary node's volume group", async (t) => {
  const primary = lab.nodes[1]!;
  const { result: output, seconds } = await timed("alkor-instance add -t plain -s 64M --no-start under TCG", () =>
    alkorInstance(["add", "-t", "plain", "-s", "64M", "-o", "alkor-image+blank", "-B", "memory=64", "--no-start", "-n", primary.name, names.plain]),
  );
  t.log(`add -t plain took ${seconds} s`);
  t.regex(output, new RegExp(`Instance ${names.plain} was created on ${primary.name}\\.`));

  const view = await instance(names.plain);
  t.like(view, { primaryNode: primary.name, diskTemplate: "plain", adminState: "down", status: "ADMIN_down" });
  t.like(view.disks[0], { index: 0, sizeMiB: 64, format: "raw" });
  t.like(view.beparams, { maxmem: 64, minmem: 64 });

  const volume = (await logicalVolumes(primary)).find((lv) => lv.name === volumeNameOf(view));
  t.truthy(volume, `${primary.name} has logical volume ${volumeGroup}/${volumeNameOf(view)}`);
  t.like(volume, { volumeGroup, sizeBytes: 64 * MiB, tags: ["alkor"], path: `/dev/${volumeGroup}/${volumeNameOf(view)}` });
  // Only the primary holds a plain disk.
  for (const other of lab.nodes.filter((node) => node !== primary)) {
    t.false((await logicalVolumes(other)).some((lv) => lv.name === volumeNameOf(view)), `${other.name} has no volume of ${names.plain}`);
  }
});

test.serial("grow-disk grows the logical volume and the configured size", async (t) => {
  const primary = lab.nodes[1]!;
  await alkorInstance(["grow-disk", names.plain, "0", "32M"]);
  const view = await instance(names.plain);
  t.is(view.disks[0]!.sizeMiB, 96);
  t.like((await logicalVolumes(primary)).find((lv) => lv.name === volumeNameOf(view)), { sizeBytes: 96 * MiB });

  // Disks only grow: a size below the one it has is refused and changes nothing.
  const smaller = await t.throwsAsync(alkorInstance(["grow-disk", "--absolute", names.plain, "0", "64M"]));
  t.log(`grow-disk to less: ${smaller?.message.split("\n").find((line) => line.includes("Failure")) ?? smaller?.message}`);
  t.like((await logicalVolumes(primary)).find((lv) => lv.name === volumeNameOf(view)), { sizeBytes: 96 * MiB });
});

test.serial("deactivate-disks and activate-disks switch the logical volume off and on", async (t) => {
  const primary = lab.nodes[1]!;
  const view = await instance(names.plain);
  const name = volumeNameOf(view);
  const path = `/dev/${volumeGroup}/${name}`;

  await alkorInstance(["deactivate-disks", names.plain]);
  const inactive = (await logicalVolumes(primary)).find((lv) => lv.name === name);
  t.log(`lv_attr after deactivate-disks: ${inactive?.attributes}`);
  t.like(inactive, { active: false, open: false });
  await t.throwsAsync(primary.exec.run(["test", "-b", path]), undefined, `${path} is gone while the volume is inactive`);
  t.false((await instance(names.plain)).disksActive);

  const activated = await alkorInstance(["activate-disks", names.plain]);
  t.is(activated.trim(), `${primary.name}:disk/0:${path}`);
  const active = (await logicalVolumes(primary)).find((lv) => lv.name === name);
  t.log(`lv_attr after activate-disks: ${active?.attributes}`);
  t.like(active, { active: true });
  await primary.exec.run(["test", "-b", path]);
  t.true((await instance(names.plain)).disksActive);

  // A stopped instance's disks may be deactivated again; remove must not need them active.
  await alkorInstance(["deactivate-disks", names.plain]);
  t.like((await logicalVolumes(primary)).find((lv) => lv.name === name), { active: false });
});

test.serial("a file and a diskless instance are listed on their primary nodes beside the plain one", async (t) => {
  const [first, second, third] = [lab.nodes[0]!, lab.nodes[1]!, lab.nodes[2]!];
  const { seconds: fileSeconds } = await timed("alkor-instance add -t file -s 32M --no-start under TCG", () =>
    alkorInstance(["add", "-t", "file", "-s", "32M", "-o", "alkor-image+blank", "-B", "memory=64", "--no-start", "-n", third.name, names.file]),
  );
  const { seconds: disklessSeconds } = await timed("alkor-instance add -t diskless --no-start under TCG", () =>
    alkorInstance(["add", "-t", "diskless", "-o", "alkor-image+blank", "-B", "memory=64", "--no-start", "-n", first.name, names.diskless]),
  );
  t.log(`add -t file took ${fileSeconds} s, add -t diskless ${disklessSeconds} s`);

  const views = await listed();
  const byName = new Map(views.map((view) => [view.name, view]));
  t.like(byName.get(names.plain), { primaryNode: second.name, diskTemplate: "plain", status: "ADMIN_down" });
  t.like(byName.get(names.file), { primaryNode: third.name, diskTemplate: "file", status: "ADMIN_down" });
  t.like(byName.get(names.diskless), { primaryNode: first.name, diskTemplate: "diskless", status: "ADMIN_down", disks: [] });

  // The file disk is a raw image of 32 MiB under the cluster's file storage directory on its primary.
  const file = byName.get(names.file)!;
  const image = `/srv/alkor/file-storage/${file.uuid}/disk0-${file.disks[0]!.uuid}.raw`;
  t.is((await third.exec.run(["stat", "-c", "%s", image])).stdout.trim(), String(32 * MiB));
  await t.throwsAsync(second.exec.run(["test", "-e", image]), undefined, `${second.name} has no copy of ${image}`);

  // The table a person reads: each instance with its primary node.
  const table = await alkorInstance(["list", "--no-headers", "--separator", "|", "-o", "name,pnode,disk_template,status"], 60_000);
  t.log(`\n${table}`);
  const rows = table.trim().split("\n");
  t.true(rows.includes(`${names.diskless}|${first.name}|diskless|ADMIN_down`), table);
  t.true(rows.includes(`${names.file}|${third.name}|file|ADMIN_down`), table);
  t.true(rows.includes(`${names.plain}|${second.name}|plain|ADMIN_down`), table);
});

test.serial("cluster verify finds each disk on its primary, and a volume named as alkor's that no instance has as unknown", async (t) => {
  const primary = lab.nodes[1]!;
  const verify = async () => (await cli.exec.run(["/usr/local/bin/alkor-cluster", "verify"], { timeoutMs: jobTimeoutMs })).stdout;
  t.regex(await verify(), /\* Verifying instance disks\n[^\n]*\* Verifying orphan volumes\n[^\n]*\* Verifying N\+1/, "the plain and file disks are where the configuration says");
  // What a create cut short by a change of master leaves: a tagged volume of a disk never committed.
  const stray = `${randomUUID()}.disk0`;
  await primary.exec.run(["lvcreate", "-an", "-Zn", "-L", "8m", "-n", stray, "--addtag", "alkor", volumeGroup], { env: lvmEnv });
  try {
    t.regex(await verify(), new RegExp(`WARNING: node ${primary.name}: volume ${volumeGroup}/${stray} is unknown`));
  } finally {
    await primary.exec.run(["lvremove", "-f", `${volumeGroup}/${stray}`], { env: lvmEnv });
  }
});

test.serial("a diskless instance booting the image's own kernel starts under nested TCG, runs with its memory, and is stopped", async (t) => {
  // Not on the master: the nested qemu takes most of a node's one vCPU, and a starved master loses its lease.
  const master = (await cli.exec.run(["/usr/local/bin/alkor-cluster", "getmaster"])).stdout.trim();
  const primary = lab.nodes.find((node) => node.name !== master)!;
  const kernel = (await primary.exec.run(["ls", "/boot"])).stdout.split("\n").find((name) => name.startsWith("vmlinuz-"));
  if (kernel === undefined) throw new Error(`${primary.name} has no kernel in /boot`);
  await alkorInstance([
    "add", "-t", "diskless", "-o", "alkor-image+blank", "-B", "memory=64", "--no-nics", "--no-start",
    "-H", `kernel_path=/boot/${kernel},kernel_args=console=ttyS0`, "-n", primary.name, names.booted,
  ]);
  const { seconds } = await timed("alkor-instance startup of a diskless instance under nested TCG", () => alkorInstance(["startup", names.booted]));
  t.log(`startup took ${seconds} s on ${primary.name}`);
  t.like(await instance(names.booted), { primaryNode: primary.name, adminState: "up", status: "running", operState: true, operRamMiB: 64 });
  // libvirt runs it as a qemu process on the primary (domain type qemu: the node has no /dev/kvm).
  await primary.exec.run(["pgrep", "-f", `guest=${names.booted}`]);

  // A kernel that boots nothing ignores ACPI: shutdown destroys it after the timeout.
  await alkorInstance(["shutdown", "--timeout", "5", names.booted]);
  t.like(await instance(names.booted), { adminState: "down", status: "ADMIN_down", operState: false });
  await t.throwsAsync(primary.exec.run(["pgrep", "-f", `guest=${names.booted}`]), undefined, "its qemu process is gone");
  await alkorInstance(["remove", "-f", names.booted]);
});

test.serial("remove -f takes the instances out of the configuration with their logical volume and image", async (t) => {
  const plainPrimary = lab.nodes[1]!;
  const filePrimary = lab.nodes[2]!;
  const plain = await instance(names.plain);
  const file = await instance(names.file);

  const { seconds } = await timed("alkor-instance remove -f of a plain instance under TCG", () => alkorInstance(["remove", "-f", names.plain]));
  t.log(`remove -f of the plain instance took ${seconds} s`);
  t.false((await logicalVolumes(plainPrimary)).some((lv) => lv.name === volumeNameOf(plain)), `${volumeNameOf(plain)} is gone`);

  await alkorInstance(["remove", "-f", names.file]);
  await t.throwsAsync(filePrimary.exec.run(["test", "-e", `/srv/alkor/file-storage/${file.uuid}`]), undefined, "the file instance's directory is gone");
  await alkorInstance(["remove", "-f", names.diskless]);

  const left = (await listed()).map((view) => view.name);
  for (const name of Object.values(names)) t.false(left.includes(name), `${name} is no longer listed`);
});
