import { z } from "zod";

/** The hardware summary a node announces: enough for `alkor-node list` and placement. */
export const HardwareSummarySchema = z.object({
  manufacturer: z.string().max(256),
  model: z.string().max(256),
  serial: z.string().max(256),
  cpuModel: z.string().max(256),
  cpuCores: z.number().int().nonnegative(),
  cpuThreads: z.number().int().nonnegative(),
  memoryBytes: z.number().int().nonnegative(),
  diskCount: z.number().int().nonnegative(),
  diskBytes: z.number().int().nonnegative(),
  nicCount: z.number().int().nonnegative(),
  /** Name of the matched profile in hw-profiles/ ("generic" when none matched). */
  profile: z.string().max(128),
});
export type HardwareSummary = z.infer<typeof HardwareSummarySchema>;
