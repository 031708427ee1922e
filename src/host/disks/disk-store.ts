import { AlkorError } from "../../model/errors.js";

export const MiB = 1024 * 1024;

export type DiskFormat = "raw" | "qcow2";

/** Which disk of which instance: every node and every retry derives the same path from it. */
export interface DiskRef {
  instanceUuid: string;
  diskUuid: string;
  index: number;
  format: DiskFormat;
}

/** A disk alkor made that a store holds, as its name tells (cluster verify compares these with the configuration). */
export interface StoredDisk {
  diskUuid: string;
  index: number;
  /** Where it is: the volume as VG/LV, or the file's path. */
  location: string;
}

/**
 * Where an instance's disks live on one node, by disk template (Ganeti's
 * bdev classes: FileStorage for "file", LogicalVolume for "plain").
 */
export interface DiskStore {
  readonly template: "file" | "plain";
  pathOf(ref: DiskRef): string;
  /** Creates the disk of sizeMiB; refuses (already_exists) when something is already there; insufficient_resources naming the free space when it does not fit. Returns the path. */
  create(ref: DiskRef, sizeMiB: number): Promise<string>;
  /** Removes it; a disk already gone is fine (removal is retried after failures). */
  remove(ref: DiskRef): Promise<void>;
  /** Grows to newSizeMiB (never shrinks: wrong_input). */
  grow(ref: DiskRef, newSizeMiB: number): Promise<void>;
  /** Size in MiB, or null when absent. */
  sizeOf(ref: DiskRef): Promise<number | null>;
  /** Free space for new disks, MiB. */
  freeMiB(): Promise<number>;
  /** Makes the disk usable by the hypervisor (plain: lvchange -ay) / the opposite; file: checks it exists. */
  activate(ref: DiskRef): Promise<string>;
  deactivate(ref: DiskRef): Promise<void>;
  /** Every disk in the store named as alkor names its disks; none when the store does not exist yet. */
  inventory(): Promise<StoredDisk[]>;
}

// UUIDs as alkor makes them (crypto.randomUUID: lower case). Only these reach
// paths and volume names, so no "..", "/" or leading "-" can get there, and
// one UUID always gives one path (no second spelling in upper case).
export const uuidSource = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const uuidPattern = new RegExp(`^${uuidSource}$`);

/** The ref itself, once every part of it is safe to put in a path or a volume name. */
export function checkDiskRef(ref: DiskRef): DiskRef {
  for (const [what, uuid] of [["instance", ref.instanceUuid], ["disk", ref.diskUuid]] as const) {
    if (typeof uuid !== "string" || !uuidPattern.test(uuid)) {
      throw new AlkorError("wrong_input", `"${String(uuid)}" is not a valid ${what} UUID: expected lower-case hex digits as 8-4-4-4-12.`);
    }
  }
  if (!Number.isSafeInteger(ref.index) || ref.index < 0) {
    throw new AlkorError("wrong_input", `Disk index ${String(ref.index)} of disk ${ref.diskUuid} must be a whole number from 0.`);
  }
  if (ref.format !== "raw" && ref.format !== "qcow2") {
    throw new AlkorError("wrong_input", `Disk format "${String(ref.format)}" of disk ${ref.diskUuid} is not raw or qcow2.`);
  }
  return ref;
}

/** A size in MiB as the stores take it: a positive whole number. */
export function checkSizeMiB(sizeMiB: number, what: string): number {
  if (!Number.isSafeInteger(sizeMiB) || sizeMiB <= 0) {
    throw new AlkorError("wrong_input", `The size of ${what} must be a positive whole number of MiB, not ${String(sizeMiB)}.`);
  }
  return sizeMiB;
}

/**
 * Whether growing from currentMiB to newSizeMiB is allowed (Ganeti's grow-disk
 * never shrinks: a guest's file system would lose its end). Returns whether
 * there is anything to do.
 */
export function checkGrowth(what: string, currentMiB: number, newSizeMiB: number): boolean {
  checkSizeMiB(newSizeMiB, what);
  if (newSizeMiB < currentMiB) {
    throw new AlkorError("wrong_input", `${what} is ${currentMiB} MiB; it cannot shrink to ${newSizeMiB} MiB (disks only grow).`);
  }
  return newSizeMiB > currentMiB;
}

export function notEnoughSpace(what: string, neededMiB: number, freeMiB: number, where: string): AlkorError {
  return new AlkorError("insufficient_resources", `${what} needs ${neededMiB} MiB, but ${where} has only ${freeMiB} MiB free.`, { neededMiB, freeMiB });
}
