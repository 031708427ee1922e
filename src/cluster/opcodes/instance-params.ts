import { z } from "zod";
import { BeParamsSchema, HvParamsSchema, IpSchema, MacSchema, NicParamsSchema, type BeParams } from "../state/instance-schema.js";
import { AlkorError } from "../../model/errors.js";

/** beparams as Ganeti takes them: any subset, and `memory` setting minmem and maxmem together. */
export const BeParamsInputSchema = BeParamsSchema.partial()
  .extend({ memory: z.number().int().min(32).max(16 * 1024 * 1024).optional(), spindle_use: z.number().int().optional() })
  .strict();
export type BeParamsInput = z.infer<typeof BeParamsInputSchema>;

export const HvParamsInputSchema = HvParamsSchema.partial().strict();
export type HvParamsInput = z.infer<typeof HvParamsInputSchema>;

/** The overrides an instance keeps: `memory` expanded, spindle_use dropped (alkor has no spindles). */
export function beOverrides(input: BeParamsInput): Partial<BeParams> {
  const { memory, spindle_use: _spindles, ...rest } = input;
  const overrides: Partial<BeParams> = { ...rest };
  if (memory !== undefined) {
    overrides.maxmem ??= memory;
    overrides.minmem ??= memory;
  }
  return overrides;
}

/** minmem may not exceed maxmem once the cluster's defaults are filled in. */
export function checkMemoryRange(instanceName: string, be: BeParams): void {
  if (be.minmem > be.maxmem) throw new AlkorError("wrong_input", `Instance ${instanceName}: minmem (${be.minmem} MiB) is above maxmem (${be.maxmem} MiB).`);
}

/** A NIC as given to add or modify: "auto"/"generate" (or nothing) asks for a generated MAC. */
export const NicInputSchema = z
  .object({
    mac: z.union([z.literal("auto"), z.literal("generate"), MacSchema]).optional(),
    ip: z.union([IpSchema, z.literal("none"), z.null()]).optional(),
    mode: NicParamsSchema.shape.mode.optional(),
    link: NicParamsSchema.shape.link.optional(),
    name: z.string().min(1).max(64).nullable().optional(),
    /** Ganeti's older name for link in bridged mode. */
    bridge: NicParamsSchema.shape.link.optional(),
    network: z.null().optional(),
  })
  .strict();
export type NicInput = z.infer<typeof NicInputSchema>;

/** A disk as given to add: its size in MiB (Ganeti's RAPI unit). */
export const DiskInputSchema = z
  .object({
    size: z.number().int().min(1, "a disk needs a size of at least 1 MiB").max(64 * 1024 * 1024),
    mode: z.enum(["rw", "ro"]).optional(),
    name: z.string().min(1).max(64).nullable().optional(),
    /** alkor's addition for file disks: raw (default) or qcow2. */
    format: z.enum(["raw", "qcow2"]).optional(),
    spindles: z.number().int().optional(),
    vg: z.string().optional(),
  })
  .strict();
export type DiskInput = z.infer<typeof DiskInputSchema>;

/** Generates a MAC under the cluster's prefix that no NIC in the cluster uses (Ganeti's GenerateMAC). */
export function generateMac(prefix: string, used: ReadonlySet<string>, randomInt: (min: number, max: number) => number): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const suffix = [0, 0, 0].map(() => randomInt(0, 256).toString(16).padStart(2, "0")).join(":");
    const mac = `${prefix}:${suffix}`;
    if (!used.has(mac)) return mac;
  }
  throw new AlkorError("insufficient_resources", `No free MAC address is left under the prefix ${prefix}.`);
}
