import { join } from "node:path";
import type { Clock } from "../host/clock.js";
import type { DurableFiles } from "../host/durable-file.js";
import type { Exec } from "../host/exec.js";
import type { Inventory, InventoryDisk } from "../host/hw/inventory.js";
import { matchProfile, selectDataDisks, type HardwareProfile } from "../host/hw/profile.js";
import { probeSignatures, showBlockDevice, type BlockDevice, type DiskSignature } from "../host/storage/block-devices.js";
import { alkorTag, Lvm } from "../host/storage/lvm.js";
import type { PhysicalVolume } from "../host/storage/lvm-report.js";
import { AlkorError } from "../model/errors.js";

/** What first-boot storage preparation takes from the world. */
export interface StoragePrepWorld {
  /** Runs lsblk, wipefs and the LVM tools. */
  exec: Exec;
  readInventory(): Promise<Inventory>;
  loadProfiles(): Promise<HardwareProfile[]>;
  files: DurableFiles;
  /** Holds the "storage-prepared" marker and the note of a preparation under way (/var/lib/alkor). */
  stateDir: string;
  clock: Clock;
  /** Progress for the operator, one sentence a line. */
  feedback(line: string): void;
}

/** What a selected disk holds, as far as preparing it goes. */
export type DiskFinding =
  | { device: string; state: "blank" }
  /** Already a physical volume of alkor's volume group. */
  | { device: string; state: "member" }
  /** A physical volume in no group that an interrupted preparation created (its note lists it). */
  | { device: string; state: "interrupted" }
  /** Holds something alkor did not create: never touched. */
  | { device: string; state: "foreign"; holds: string[] };

export type PlanStep =
  | { kind: "pvcreate"; devices: string[] }
  | { kind: "vgcreate"; volumeGroup: string; devices: string[] }
  | { kind: "vgextend"; volumeGroup: string; devices: string[] };

export interface StoragePlan {
  profile: string;
  profileReason: string;
  volumeGroup: string;
  disks: DiskFinding[];
  /** Disks the profile's rules match that are never taken: the system disk, removable ones. */
  skipped: string[];
  /** Sentences saying why nothing may be done; empty when the plan can run. */
  refusals: string[];
  steps: PlanStep[];
  outcome: "nothing_selected" | "already_prepared" | "refused" | "create" | "extend";
}

/** The marker the first-boot unit may test; written once storage is prepared. */
export const preparedMarkerName = "storage-prepared";
const intentNoteName = "storage-prep-intent.json";

interface IntentNote {
  volumeGroup: string;
  devices: string[];
}

/** Partition table types as libblkid names them. */
const partitionTables = new Set(["gpt", "PMBR", "dos", "atari", "bsd", "mac", "sgi", "sun", "solaris", "unixware", "minix", "aix"]);

/**
 * First-boot storage preparation, in Ganeti's logical-unit steps: read the
 * hardware and pick its profile (expand), examine every selected disk and the
 * volume group (check prerequisites, no side effects), then create the
 * physical volumes and the volume group tagged "alkor" (execute). Running it
 * again changes nothing once it succeeded; a disk holding anything alkor did
 * not create stops it before any change.
 */
export async function planStoragePreparation(world: StoragePrepWorld): Promise<StoragePlan> {
  const [inventory, profiles] = await Promise.all([world.readInventory(), world.loadProfiles()]);
  const { profile, reason } = matchProfile(inventory, profiles);
  const volumeGroup = profile.dataDisks.volumeGroup;
  const selected = selectDataDisks(inventory, profile);
  const skipped = skippedDisks(inventory, profile, selected);
  const base = { profile: profile.name, profileReason: reason, volumeGroup, skipped };
  if (selected.length === 0) {
    return { ...base, disks: [], refusals: [], steps: [], outcome: "nothing_selected" };
  }

  const lvm = new Lvm(world.exec);
  const [physicalVolumes, group, intent] = await Promise.all([lvm.physicalVolumes(), lvm.volumeGroup(volumeGroup), readIntent(world)]);
  const interrupted = intent?.volumeGroup === volumeGroup ? new Set(intent.devices) : new Set<string>();
  const disks: DiskFinding[] = [];
  for (const disk of selected) {
    disks.push(await examineDisk(world.exec, disk.device, physicalVolumes, volumeGroup, interrupted));
  }

  const refusals = disks.flatMap((disk) => (disk.state === "foreign" ? [`${disk.device} holds ${disk.holds.join(", ")}.`] : []));
  if (group !== null && !group.tags.includes(alkorTag)) {
    refusals.unshift(`Volume group "${volumeGroup}" exists but alkor did not create it (it has no "${alkorTag}" tag).`);
  }
  if (refusals.length > 0) return { ...base, disks, refusals, steps: [], outcome: "refused" };

  const blank = disks.filter((disk) => disk.state === "blank").map((disk) => disk.device);
  const joining = disks.filter((disk) => disk.state === "blank" || disk.state === "interrupted").map((disk) => disk.device);
  if (joining.length === 0) return { ...base, disks, refusals, steps: [], outcome: "already_prepared" };
  const steps: PlanStep[] = [];
  if (blank.length > 0) steps.push({ kind: "pvcreate", devices: blank });
  steps.push(group === null ? { kind: "vgcreate", volumeGroup, devices: joining } : { kind: "vgextend", volumeGroup, devices: joining });
  return { ...base, disks, refusals, steps, outcome: group === null ? "create" : "extend" };
}

/**
 * Carries out a plan. Before the first change it notes which disks it is
 * about to make physical volumes: pvcreate and vgcreate are two commands,
 * and a run interrupted between them must recognise its own orphaned
 * physical volumes next time instead of refusing them as foreign.
 */
export async function executeStoragePlan(world: StoragePrepWorld, plan: StoragePlan): Promise<void> {
  if (plan.outcome === "refused") throw refusal(plan);
  if (plan.outcome === "nothing_selected") return;
  const lvm = new Lvm(world.exec);
  await world.files.ensureDirectory(world.stateDir, 0o700);
  const intentPath = join(world.stateDir, intentNoteName);
  const devices = plan.disks.map((disk) => disk.device);
  if (plan.steps.length > 0) {
    const note: IntentNote = { volumeGroup: plan.volumeGroup, devices };
    await world.files.writeDurably(intentPath, `${JSON.stringify(note)}\n`);
  }
  for (const step of plan.steps) {
    world.feedback(`Running: ${describeStep(step)}`);
    if (step.kind === "pvcreate") await lvm.createPhysicalVolumes(step.devices);
    else if (step.kind === "vgcreate") await lvm.createVolumeGroup(step.volumeGroup, step.devices, [alkorTag]);
    else await lvm.extendVolumeGroup(step.volumeGroup, step.devices);
  }
  const marker = { volumeGroup: plan.volumeGroup, devices, profile: plan.profile, preparedAt: new Date(world.clock.now()).toISOString() };
  await world.files.writeDurably(join(world.stateDir, preparedMarkerName), `${JSON.stringify(marker)}\n`);
  await world.files.remove(intentPath);
}

/** Plans, tells the operator, and (unless a dry run) executes. Throws a wrong_state error naming every refused disk. */
export async function prepareStorage(world: StoragePrepWorld, options: { dryRun: boolean }): Promise<StoragePlan> {
  const plan = await planStoragePreparation(world);
  for (const line of describePlan(plan)) world.feedback(line);
  if (plan.outcome === "refused") throw refusal(plan);
  if (options.dryRun) {
    if (plan.steps.length > 0) world.feedback("Dry run: nothing was changed.");
    return plan;
  }
  await executeStoragePlan(world, plan);
  if (plan.outcome === "create" || plan.outcome === "extend") {
    world.feedback(`Storage prepared: volume group ${plan.volumeGroup} (tagged ${alkorTag}) on ${plan.disks.map((disk) => disk.device).join(", ")}.`);
  }
  return plan;
}

/** The plan as sentences: the profile, each disk, and what will be run. */
export function describePlan(plan: StoragePlan): string[] {
  const lines = [`${plan.profileReason}`];
  for (const device of plan.skipped) lines.push(`${device}: matches the profile's data disk rules but is never taken (it holds the system or is removable).`);
  if (plan.outcome === "nothing_selected") {
    lines.push(`Profile ${plan.profile} selects no data disks on this machine: there is no storage to prepare.`);
    return lines;
  }
  for (const disk of plan.disks) lines.push(`${disk.device}: ${describeFinding(disk, plan.volumeGroup)}`);
  if (plan.outcome === "already_prepared") {
    lines.push(`Storage is already prepared: volume group ${plan.volumeGroup} (tagged ${alkorTag}) is on ${plan.disks.map((disk) => disk.device).join(", ")}.`);
  }
  for (const step of plan.steps) lines.push(`Plan: ${describeStep(step)}`);
  return lines;
}

function describeFinding(disk: DiskFinding, volumeGroup: string): string {
  switch (disk.state) {
    case "blank":
      return "blank: will become a physical volume.";
    case "member":
      return `already a physical volume of ${volumeGroup}.`;
    case "interrupted":
      return `a physical volume an interrupted preparation created: will join ${volumeGroup}.`;
    case "foreign":
      return `REFUSED: holds ${disk.holds.join(", ")}.`;
  }
}

function describeStep(step: PlanStep): string {
  if (step.kind === "pvcreate") return `pvcreate ${step.devices.join(" ")}`;
  if (step.kind === "vgcreate") return `vgcreate --addtag ${alkorTag} ${step.volumeGroup} ${step.devices.join(" ")}`;
  return `vgextend ${step.volumeGroup} ${step.devices.join(" ")}`;
}

function refusal(plan: StoragePlan): AlkorError {
  return new AlkorError(
    "wrong_state",
    [
      "Refusing to prepare storage; nothing was changed:",
      ...plan.refusals.map((line) => `  ${line}`),
      "alkor only takes blank disks. If that data is not needed, wipe the disk yourself (wipefs -a DEVICE); else exclude the disk in the hardware profile.",
    ].join("\n"),
    { refusals: plan.refusals },
  );
}

async function examineDisk(exec: Exec, device: string, physicalVolumes: readonly PhysicalVolume[], volumeGroup: string, interrupted: ReadonlySet<string>): Promise<DiskFinding> {
  const pv = physicalVolumes.find((candidate) => candidate.device === device);
  if (pv !== undefined) {
    if (pv.volumeGroup === volumeGroup && pv.volumeGroupTags.includes(alkorTag)) return { device, state: "member" };
    if (pv.volumeGroup === null) {
      return interrupted.has(device) ? { device, state: "interrupted" } : { device, state: "foreign", holds: ["an LVM physical volume in no volume group, which alkor did not create"] };
    }
    const why = pv.volumeGroupTags.includes(alkorTag) ? `tagged ${alkorTag} but not the profile's volume group "${volumeGroup}"` : `not tagged ${alkorTag}`;
    return { device, state: "foreign", holds: [`an LVM physical volume of volume group "${pv.volumeGroup}" (${why})`] };
  }
  const [block, signatures] = await Promise.all([showBlockDevice(exec, device), probeSignatures(exec, device)]);
  const holds = [...mountsOf(block), ...childrenOf(block), ...signatureNames(signatures, block)];
  return holds.length > 0 ? { device, state: "foreign", holds } : { device, state: "blank" };
}

function mountsOf(block: BlockDevice): string[] {
  const mounted: string[] = [];
  const visit = (node: BlockDevice): void => {
    if (node.mountpoint !== null) mounted.push(node === block ? `a filesystem mounted at ${node.mountpoint}` : `${node.name}, mounted at ${node.mountpoint}`);
    node.children.forEach(visit);
  };
  visit(block);
  return mounted;
}

function childrenOf(block: BlockDevice): string[] {
  const partitions = block.children.filter((child) => child.type === "part").map((child) => child.name);
  const holders = block.children.filter((child) => child.type !== "part").map((child) => `${child.name} (${child.type})`);
  return [
    ...(partitions.length > 0 ? [`partition${partitions.length > 1 ? "s" : ""} ${partitions.join(", ")}`] : []),
    ...(holders.length > 0 ? [`device${holders.length > 1 ? "s" : ""} stacked on it: ${holders.join(", ")}`] : []),
  ];
}

/** wipefs's signatures, plus what udev told lsblk, each named once. */
function signatureNames(signatures: readonly DiskSignature[], block: BlockDevice): string[] {
  const names = new Map<string, string>();
  for (const signature of signatures) {
    if (names.has(signature.type) || (signature.type === "PMBR" && signatures.some((other) => other.type === "gpt"))) continue;
    names.set(signature.type, describeSignature(signature.type, signature.label));
  }
  if (block.partitionTableType !== null && !names.has(block.partitionTableType)) names.set(block.partitionTableType, describeSignature(block.partitionTableType, null));
  if (block.fsType !== null && !names.has(block.fsType)) names.set(block.fsType, describeSignature(block.fsType, null));
  return [...names.values()];
}

function describeSignature(type: string, label: string | null): string {
  if (partitionTables.has(type)) return `a ${type === "PMBR" ? "protective MBR" : type} partition table`;
  if (type === "LVM2_member") return "an LVM label that LVM does not list (filtered out by lvm.conf?)";
  if (type === "linux_raid_member") return `an md RAID member signature${label ? ` (array "${label}")` : ""}`;
  if (type === "drbd") return "DRBD metadata";
  return `a ${type} signature${label ? ` (label "${label}")` : ""}`;
}

function skippedDisks(inventory: Inventory, profile: HardwareProfile, selected: readonly InventoryDisk[]): string[] {
  const eligible = { ...inventory, disks: inventory.disks.map((disk) => ({ ...disk, system: false, removable: false })) };
  return selectDataDisks(eligible, profile)
    .map((disk) => disk.device)
    .filter((device) => !selected.some((disk) => disk.device === device));
}

async function readIntent(world: StoragePrepWorld): Promise<IntentNote | null> {
  const text = await world.files.readIfExists(join(world.stateDir, intentNoteName));
  if (text === undefined) return null;
  try {
    const note = JSON.parse(text) as Partial<IntentNote>;
    return typeof note.volumeGroup === "string" && Array.isArray(note.devices) ? { volumeGroup: note.volumeGroup, devices: note.devices.filter((device) => typeof device === "string") } : null;
  } catch {
    return null;
  }
}
