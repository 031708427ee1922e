import { z } from "zod";
import { HardwareSummarySchema } from "./hardware.js";

/** Node names are DNS labels or dotted host names, as Ganeti's are. */
export const NodeNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, "must be a host name (letters, digits, dots and dashes)");

/** Cluster ids appear in topic names, so they may not hold MQTT wildcards or separators. */
export const ClusterIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, "must be letters, digits, dots, dashes or underscores");

export const LivenessSchema = z.enum(["alive", "suspect", "dead"]);
export type Liveness = z.infer<typeof LivenessSchema>;

/** Roles as in the manual; until the cluster has a master (quorum) every node is regular. */
export const NodeRoleSchema = z.enum(["master", "candidate", "regular", "drained", "offline"]);
export type NodeRole = z.infer<typeof NodeRoleSchema>;

/** What the local agent tells its CLI about one node (`alkor-node list/info`). */
export const NodeViewSchema = z.object({
  name: NodeNameSchema,
  uuid: z.string().uuid(),
  self: z.boolean(),
  role: NodeRoleSchema,
  status: LivenessSchema,
  /** Milliseconds since this agent last heard a heartbeat from the node (0 for itself). */
  lastSeenAgoMs: z.number().nonnegative(),
  version: z.string(),
  managementAddress: z.string(),
  brokerPort: z.number().int(),
  cpus: z.number().int().nonnegative(),
  memoryTotalBytes: z.number().int().nonnegative(),
  memoryFreeBytes: z.number().int().nonnegative(),
  diskTotalBytes: z.number().int().nonnegative(),
  diskFreeBytes: z.number().int().nonnegative(),
  /** Null while the node is still reading its hardware. */
  hardware: HardwareSummarySchema.nullable(),
});
export type NodeView = z.infer<typeof NodeViewSchema>;
