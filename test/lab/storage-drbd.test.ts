import { eventually } from "../helpers/wait.js";
import test from "ava";
import type { Exec } from "../../src/host/exec.js";
import { Drbd } from "../../src/host/storage/drbd.js";
import { drbdDevice, type DrbdResource } from "../../src/host/storage/drbd-resource.js";
import type { DrbdStatus, DrbdSyncProgress } from "../../src/host/storage/drbd-status.js";
import { Lvm } from "../../src/host/storage/lvm.js";
import { openLab, recordFigure, type LabNode } from "./harness.js";

/**
 * Contract test of the DRBD adapter (src/host/storage/drbd.ts) between two
 * lab nodes, on the real DRBD 8.4 kernel module and drbd-utils: a 256 MiB
 * resource on a logical volume of each node's volume group (or, where the
 * first-boot unit made none, a loop device) is created,
 * brought up, made primary on one side, and reaches UpToDate on both through
 * the initial full sync, whose progress is parsed from the real /proc/drbd
 * while it runs (the unit tests' /proc/drbd samples are written by hand).
 */
const volume = "alkor-lab-drbd";
const sizeBytes = 256 * 2 ** 20;
const minor = 10;
const port = 7790;
const name = "alkor-lab-r0";
let primary: LabNode;
let secondary: LabNode;


/** The module, as LAB-NOTES loads it: usermode_helper=/bin/true, since no fence-peer handler is configured. */
async function ensureDrbdModule(exec: Exec): Promise<void> {
  const loaded = await exec.run(["test", "-e", "/proc/drbd"]).then(
    () => true,
    () => false,
  );
  if (!loaded) await exec.run(["modprobe", "drbd", "usermode_helper=/bin/true"]);
}

const loopImage = "/var/tmp/alkor-lab-drbd.img";

/**
 * The backing disk: a logical volume in the first-boot volume group, as
 * alkor will use DRBD; a loop device where that group is missing (which
 * cluster.test.ts reports), so that the DRBD adapter is still tested.
 */
async function backingDisk(node: LabNode, log: (line: string) => void): Promise<string> {
  const lvm = new Lvm(node.exec);
  if ((await lvm.volumeGroup("alkor")) !== null) return (await lvm.createLogicalVolume({ volumeGroup: "alkor", name: volume, sizeBytes })).path;
  log(`${node.name} has no volume group alkor: the resource stands on a loop device there.`);
  await node.exec.run(["truncate", "-s", String(sizeBytes), loopImage]);
  return (await node.exec.run(["losetup", "-f", "--show", loopImage])).stdout.trim();
}

async function cleanUp(node: LabNode): Promise<void> {
  const drbd = new Drbd(node.exec);
  await drbd.down(name).catch(() => undefined);
  await drbd.removeResourceFile(name).catch(() => undefined);
  await new Lvm(node.exec).removeLogicalVolume("alkor", volume).catch(() => undefined);
  const { stdout } = await node.exec.run(["losetup", "-j", loopImage]).catch(() => ({ stdout: "" }));
  for (const line of stdout.split("\n")) {
    const device = line.split(":")[0];
    if (device) await node.exec.run(["losetup", "-d", device]).catch(() => undefined);
  }
  await node.exec.run(["rm", "-f", loopImage]).catch(() => undefined);
}

test.before(async () => {
  const lab = await openLab();
  if (lab.nodes.length < 2) throw new Error("The DRBD test needs two lab nodes.");
  [primary, secondary] = [lab.nodes[0]!, lab.nodes[1]!];
  for (const node of [primary, secondary]) await cleanUp(node);
});

test.after.always(async () => {
  for (const node of [primary, secondary]) if (node !== undefined) await cleanUp(node);
});

test.serial("a 256 MiB resource between two nodes reaches UpToDate through its initial sync, with the progress read while it runs", async (t) => {
  const nodes = [primary, secondary] as const;
  const hostNames = await Promise.all(nodes.map(async (node) => (await node.exec.run(["uname", "-n"])).stdout.trim()));
  const disks: string[] = [];
  for (const node of nodes) {
    await ensureDrbdModule(node.exec);
    disks.push(await backingDisk(node, (line) => t.log(line)));
  }
  const resource: DrbdResource = {
    name,
    minor,
    port,
    nodes: [
      { hostName: hostNames[0]!, address: primary.replicationAddress, disk: disks[0]! },
      { hostName: hostNames[1]!, address: secondary.replicationAddress, disk: disks[1]! },
    ],
  };
  const [drbdA, drbdB] = nodes.map((node) => new Drbd(node.exec)) as [Drbd, Drbd];
  const version = (await drbdA.procDrbd()).version;
  t.log(`DRBD ${version}`);
  t.regex(version, /^8\.4\./);

  for (const drbd of [drbdA, drbdB]) {
    await drbd.writeResource(resource);
    await drbd.createMetadata(name);
    await drbd.up(name);
  }
  const connected = await eventually("the two nodes to connect", 60_000, async () => {
    const status = await drbdA.status(minor);
    return status?.connectionState === "Connected" ? status : null;
  });
  t.like(connected, { role: "Secondary", peerRole: "Secondary", diskState: "Inconsistent", peerDiskState: "Inconsistent", protocol: "C", syncProgress: null });

  await drbdA.forcePrimary(name);
  const started = Date.now();
  const samples: Array<{ atMs: number; progress: DrbdSyncProgress; state: DrbdStatus["connectionState"] }> = [];
  const done = await eventually("both sides to be UpToDate", 5 * 60_000, async () => {
    const status = await drbdA.status(minor);
    if (status?.syncProgress) samples.push({ atMs: Date.now() - started, progress: status.syncProgress, state: status.connectionState });
    return status?.connectionState === "Connected" && status.diskState === "UpToDate" && status.peerDiskState === "UpToDate" ? status : null;
  });
  const seconds = (Date.now() - started) / 1000;
  t.like(done, { role: "Primary", peerRole: "Secondary", outOfSyncKiB: 0, syncProgress: null });
  t.like(await drbdB.status(minor), { connectionState: "Connected", role: "Secondary", peerRole: "Primary", diskState: "UpToDate", peerDiskState: "UpToDate" });

  for (const sample of samples) t.log(`${(sample.atMs / 1000).toFixed(1)} s: ${sample.state} ${sample.progress.percent}% ${sample.progress.doneKiB}/${sample.progress.totalKiB} KiB, ${sample.progress.speedKiBps} KiB/s, ${sample.progress.etaSeconds} s left`);
  t.true(samples.length > 0, "the sync progress was read at least once while the sync ran");
  for (const { progress, state } of samples) {
    t.true(state === "SyncSource" || state === "PausedSyncS", state);
    t.true(progress.percent >= 0 && progress.percent <= 100);
    // The data area: the volume less DRBD's internal metadata (bitmap and activity log, well under 1 MiB here).
    t.true(progress.totalKiB <= sizeBytes / 1024 && progress.totalKiB > sizeBytes / 1024 - 1024, `total ${progress.totalKiB} KiB`);
    t.true(progress.doneKiB <= progress.totalKiB);
  }
  const figure = `DRBD initial sync of ${sizeBytes / 2 ** 20} MiB between ${primary.name} and ${secondary.name}: ${seconds.toFixed(1)} s, ${(sizeBytes / 2 ** 20 / seconds).toFixed(1)} MiB/s (from primary --force to UpToDate on both, polled)`;
  t.log(figure);
  recordFigure(figure);

  // What the primary writes, the peer reads after the roles change.
  const text = `alkor lab ${Date.now()}`;
  await primary.exec.run(["sh", "-c", 'printf "%s" "$1" | dd of="$2" bs=4096 count=1 conv=sync,fsync status=none', "sh", text, drbdDevice(minor)]);
  await drbdA.secondary(name);
  await drbdB.primary(name);
  const read = (await secondary.exec.run(["sh", "-c", 'dd if="$1" bs=4096 count=1 status=none | head -c "$2"', "sh", drbdDevice(minor), String(text.length)])).stdout;
  t.is(read, text);
  await drbdB.secondary(name);
});
