import { z } from "zod";
import type { Exec } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import { checkDevicePath } from "./names.js";
import { parseToolJson } from "./tool-output.js";

/** A block device and its children (partitions, device-mapper holders), from lsblk. */
export interface BlockDevice {
  name: string;
  /** "disk", "part", "lvm", "loop", "rom", ... */
  type: string;
  sizeBytes: number;
  /** What udev found on it; null where lsblk does not know, as in guests without udev (see wipefs). */
  fsType: string | null;
  partitionTableType: string | null;
  mountpoint: string | null;
  children: BlockDevice[];
}

/** An on-disk signature (filesystem, partition table, RAID or LVM label) as wipefs finds it. */
export interface DiskSignature {
  /** e.g. "ext4", "gpt", "PMBR", "dos", "LVM2_member", "linux_raid_member". */
  type: string;
  /** Byte offset, as wipefs prints it ("0x438"). */
  offset: string;
  label: string | null;
  uuid: string | null;
}

export const lsblkColumns = ["NAME", "TYPE", "SIZE", "FSTYPE", "PTTYPE", "MOUNTPOINT"] as const;

// util-linux 2.38 prints SIZE as a JSON number under -b; older releases print every value as a string.
const Size = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "must be a number of bytes").transform(Number)]);
const Nullable = z.string().nullable().transform((text) => (text === null || text === "" ? null : text));

interface LsblkRow {
  name: string;
  type: string;
  size: number;
  fstype: string | null;
  pttype: string | null;
  mountpoint: string | null;
  children?: LsblkRow[] | undefined;
}
const LsblkRowSchema: z.ZodType<LsblkRow, unknown> = z.lazy(() =>
  z.object({
    name: z.string().min(1),
    type: z.string().min(1),
    size: Size,
    fstype: Nullable,
    pttype: Nullable,
    mountpoint: Nullable,
    children: z.array(LsblkRowSchema).optional(),
  }),
);
const LsblkSchema = z.object({ blockdevices: z.array(LsblkRowSchema) });

const WipefsSchema = z.object({
  signatures: z.array(z.object({ type: z.string().min(1), offset: z.string().min(1), label: z.string().nullable(), uuid: z.string().nullable() })),
});

/** Parses `lsblk -J -b -o NAME,TYPE,SIZE,FSTYPE,PTTYPE,MOUNTPOINT`. */
export function parseLsblk(stdout: string): BlockDevice[] {
  const toDevice = (row: LsblkRow): BlockDevice => ({
    name: row.name,
    type: row.type,
    sizeBytes: row.size,
    fsType: row.fstype,
    partitionTableType: row.pttype,
    mountpoint: row.mountpoint,
    children: (row.children ?? []).map(toDevice),
  });
  return parseToolJson(LsblkSchema, stdout, "lsblk -J").blockdevices.map(toDevice);
}

/** Parses `wipefs --no-act --json DEVICE`; some util-linux releases print nothing when there is no signature. */
export function parseWipefs(stdout: string): DiskSignature[] {
  if (stdout.trim() === "") return [];
  return parseToolJson(WipefsSchema, stdout, "wipefs --no-act --json").signatures.map((signature) => ({
    type: signature.type,
    offset: signature.offset,
    label: signature.label,
    uuid: signature.uuid,
  }));
}

/** One block device with its children (lsblk reads /sys and the mount table, so mounts show without udev). */
export async function showBlockDevice(exec: Exec, device: string): Promise<BlockDevice> {
  const { stdout } = await exec.run(["lsblk", "-J", "-b", "-o", lsblkColumns.join(","), checkDevicePath(device)], { env: { LC_ALL: "C" } });
  const [found] = parseLsblk(stdout);
  if (found === undefined) throw new AlkorError("unknown_entity", `lsblk lists no block device ${device}.`);
  return found;
}

/**
 * The signatures on a device, probed by libblkid directly (`wipefs --no-act`
 * writes nothing). lsblk's FSTYPE and PTTYPE come from udev's database, which
 * some guests do not have: there lsblk reports null for an ext4 filesystem or
 * an LVM label (seen on Debian 12 without udev).
 */
export async function probeSignatures(exec: Exec, device: string): Promise<DiskSignature[]> {
  const { stdout } = await exec.run(["wipefs", "--no-act", "--json", checkDevicePath(device)], { env: { LC_ALL: "C" } });
  return parseWipefs(stdout);
}
