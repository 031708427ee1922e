import { z } from "zod";
import { decimalCount, parseToolJson } from "./tool-output.js";

/** A physical volume as `pvs` reports it. */
export interface PhysicalVolume {
  /** e.g. "/dev/vdb". */
  device: string;
  /** null for a PV in no volume group (an orphan). */
  volumeGroup: string | null;
  sizeBytes: number;
  freeBytes: number;
  tags: string[];
  /** The tags of its volume group: alkor's own group carries "alkor". */
  volumeGroupTags: string[];
}

export interface VolumeGroup {
  name: string;
  sizeBytes: number;
  freeBytes: number;
  tags: string[];
  physicalVolumeCount: number;
  logicalVolumeCount: number;
}

export interface LogicalVolume {
  name: string;
  volumeGroup: string;
  sizeBytes: number;
  /** lv_attr as printed, e.g. "-wi-ao----" (lvs(8): the 5th character is the state, the 6th whether it is open). */
  attributes: string;
  active: boolean;
  open: boolean;
  tags: string[];
  /** e.g. "/dev/alkor/vm1-disk0". */
  path: string;
}

// The fields each report asks for (-o), in lvm2's names; runners and parsers share them.
export const pvsFields = ["pv_name", "vg_name", "pv_size", "pv_free", "pv_tags", "vg_tags"] as const;
export const vgsFields = ["vg_name", "vg_size", "vg_free", "vg_tags", "pv_count", "lv_count"] as const;
export const lvsFields = ["lv_name", "vg_name", "lv_size", "lv_attr", "lv_tags", "lv_path"] as const;

// With --reportformat json every value is a string; sizes are bytes under --units b --nosuffix.
const Bytes = z.string().transform((text, context) => {
  const value = decimalCount(text);
  if (value === null) context.addIssue({ code: "custom", message: `"${text}" is not a whole number of bytes` });
  return value ?? 0;
});
const Count = Bytes;
const Tags = z.string().transform((text) => (text === "" ? [] : text.split(",")));

// lvm2's JSON report is {"report": [{"<kind>": [rows]}]}: one element per reported kind.
const PvsSchema = z.object({
  report: z
    .array(z.object({ pv: z.array(z.object({ pv_name: z.string().min(1), vg_name: z.string(), pv_size: Bytes, pv_free: Bytes, pv_tags: Tags, vg_tags: Tags })) }))
    .min(1),
});
const VgsSchema = z.object({
  report: z
    .array(z.object({ vg: z.array(z.object({ vg_name: z.string().min(1), vg_size: Bytes, vg_free: Bytes, vg_tags: Tags, pv_count: Count, lv_count: Count })) }))
    .min(1),
});
const LvsSchema = z.object({
  report: z
    .array(
      z.object({
        lv: z.array(
          z.object({
            lv_name: z.string().min(1),
            vg_name: z.string().min(1),
            lv_size: Bytes,
            lv_attr: z.string().regex(/^.{10}$/, "must be the 10 attribute characters of lvs(8)"),
            lv_tags: Tags,
            lv_path: z.string(),
          }),
        ),
      }),
    )
    .min(1),
});

/** Parses `pvs --reportformat json --units b --nosuffix -o <pvsFields>`. */
export function parsePvsReport(stdout: string): PhysicalVolume[] {
  const { report } = parseToolJson(PvsSchema, stdout, "pvs --reportformat json");
  return report.flatMap((section) => section.pv).map((row) => ({
    device: row.pv_name,
    volumeGroup: row.vg_name === "" ? null : row.vg_name,
    sizeBytes: row.pv_size,
    freeBytes: row.pv_free,
    tags: row.pv_tags,
    volumeGroupTags: row.vg_tags,
  }));
}

/** Parses `vgs --reportformat json --units b --nosuffix -o <vgsFields>`. */
export function parseVgsReport(stdout: string): VolumeGroup[] {
  const { report } = parseToolJson(VgsSchema, stdout, "vgs --reportformat json");
  return report.flatMap((section) => section.vg).map((row) => ({
    name: row.vg_name,
    sizeBytes: row.vg_size,
    freeBytes: row.vg_free,
    tags: row.vg_tags,
    physicalVolumeCount: row.pv_count,
    logicalVolumeCount: row.lv_count,
  }));
}

/** Parses `lvs --reportformat json --units b --nosuffix -o <lvsFields>`. */
export function parseLvsReport(stdout: string): LogicalVolume[] {
  const { report } = parseToolJson(LvsSchema, stdout, "lvs --reportformat json");
  return report.flatMap((section) => section.lv).map((row) => ({
    name: row.lv_name,
    volumeGroup: row.vg_name,
    sizeBytes: row.lv_size,
    attributes: row.lv_attr,
    active: row.lv_attr[4] === "a",
    open: row.lv_attr[5] === "o",
    tags: row.lv_tags,
    path: row.lv_path,
  }));
}
