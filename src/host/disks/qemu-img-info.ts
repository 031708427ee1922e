import { z } from "zod";
import { parseToolJson } from "../storage/tool-output.js";

/** What `qemu-img info --output=json` says of one image. */
export interface ImageInfo {
  format: string;
  /** The size the guest sees. */
  virtualSizeBytes: number;
  /** What the file takes on the host (less than the virtual size when sparse). */
  actualSizeBytes: number | null;
  /** qcow2 only: set when the image was not closed cleanly (lazy refcounts). */
  dirty: boolean;
}

const Bytes = z.number().int().nonnegative();

// Only the fields alkor reads; qemu-img adds others per format ("format-specific", "cluster-size").
const InfoSchema = z.object({
  "virtual-size": Bytes,
  format: z.string().min(1),
  "actual-size": Bytes.optional(),
  "dirty-flag": z.boolean().optional(),
});

/** Parses `qemu-img info --output=json` of one image (no --backing-chain: one object, not an array). */
export function parseQemuImgInfo(stdout: string): ImageInfo {
  const info = parseToolJson(InfoSchema, stdout, "qemu-img info --output=json");
  return {
    format: info.format,
    virtualSizeBytes: info["virtual-size"],
    actualSizeBytes: info["actual-size"] ?? null,
    dirty: info["dirty-flag"] ?? false,
  };
}
