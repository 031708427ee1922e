import { z } from "zod";
import { DiskTemplateSchema, HvParamsSchema, InstanceNameSchema, MacSchema, NicModeSchema } from "../cluster/state/instance-schema.js";
import type { RpcMethodMap } from "../transport/rpc.js";

/**
 * What the master asks a node's agent to do for instances (node RPC, as
 * Ganeti's noded serves the master). The master sends what it decided with
 * the cluster's defaults filled in; the node derives its own paths.
 */

const UuidSchema = z.string().uuid();

/** Where this cluster keeps disks; a node's own config may override the file directory. */
export const StorageLocationSchema = z.object({ fileStorageDir: z.string().min(1).max(1024), volumeGroup: z.string().min(1).max(127) }).strict();

export const InstanceDiskSpecSchema = z
  .object({ uuid: UuidSchema, index: z.number().int().min(0).max(15), sizeMiB: z.number().int().min(1), format: z.enum(["raw", "qcow2"]), mode: z.enum(["rw", "ro"]), name: z.string().nullable() })
  .strict();
export type InstanceDiskSpec = z.infer<typeof InstanceDiskSpecSchema>;

export const InstanceDisksSchema = z
  .object({ instanceUuid: UuidSchema, template: DiskTemplateSchema, storage: StorageLocationSchema, disks: z.array(InstanceDiskSpecSchema).max(16) })
  .strict();
export type InstanceDisks = z.infer<typeof InstanceDisksSchema>;

export const InstanceNicSpecSchema = z
  .object({ uuid: UuidSchema, mac: MacSchema, ip: z.string().nullable(), mode: NicModeSchema, link: z.string().min(1), name: z.string().nullable() })
  .strict();

/** An instance as a node runs it: every parameter filled. */
export const InstanceRunSpecSchema = InstanceDisksSchema.extend({
  name: InstanceNameSchema,
  memoryMiB: z.number().int().min(1),
  maxMemoryMiB: z.number().int().min(1),
  vcpus: z.number().int().min(1),
  hvparams: HvParamsSchema,
  /** VNC's port when hvparams.vnc_bind_address is set; null: libvirt picks one. */
  networkPort: z.number().int().min(1).max(65_535).nullable(),
  nics: z.array(InstanceNicSpecSchema).max(8),
}).strict();
export type InstanceRunSpec = z.infer<typeof InstanceRunSpecSchema>;

export const DomainRuntimeSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  state: z.enum(["running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended", "nostate"]),
  memoryMiB: z.number(),
  maxMemoryMiB: z.number(),
  vcpus: z.number(),
  cpuTimeNs: z.number(),
});

/** The templates whose disks live in a node's store: a file directory or a volume group. */
const DiskStoreTemplateSchema = z.enum(["file", "plain"]);
export type DiskStoreTemplate = z.infer<typeof DiskStoreTemplateSchema>;

/** A node's instance-related figures: its domains, memory and storage. */
export const NodeInstanceReportSchema = z.object({
  domains: z.array(DomainRuntimeSchema),
  memoryMiB: z.number().int().nonnegative(),
  freeMemoryMiB: z.number().int().nonnegative(),
  cpus: z.number().int().nonnegative(),
  /**
   * Free MiB for new disks per template asked for (freeSpaceOf); null when
   * not asked, or when the node cannot hold that template (no volume group, say).
   */
  storage: z.object({ file: z.number().int().nullable(), plain: z.number().int().nullable() }),
  hypervisorUri: z.string(),
});
export type NodeInstanceReport = z.infer<typeof NodeInstanceReportSchema>;

export const StoredDiskSchema = z.object({ diskUuid: UuidSchema, index: z.number().int().min(0), location: z.string().min(1).max(4096) }).strict();

/** What one store on a node holds, or why it could not be listed (no volume group, no lvm tools). */
const StoreInventorySchema = z.union([z.object({ disks: z.array(StoredDiskSchema).max(100_000) }).strict(), z.object({ error: z.string() }).strict()]);
export type StoreInventory = z.infer<typeof StoreInventorySchema>;

export const DiskInventorySchema = z.object({ file: StoreInventorySchema, plain: StoreInventorySchema }).strict();
export type DiskInventory = z.infer<typeof DiskInventorySchema>;

const OsScriptSchema = z.enum(["create", "rename", "verify"]);

export const OsDefinitionViewSchema = z.object({
  name: z.string(),
  path: z.string(),
  apiVersions: z.array(z.number().int()),
  variants: z.array(z.string()),
  parameters: z.array(z.object({ name: z.string(), description: z.string() })),
  valid: z.boolean(),
  problems: z.array(z.string()),
});
export type OsDefinitionView = z.infer<typeof OsDefinitionViewSchema>;

const Empty = z.object({}).strict();
const ByName = z.object({ name: InstanceNameSchema }).strict();

export const instanceRpcMethods = {
  /** Measuring free space costs a tool run (vgs), so listings ask for none. */
  "instance.report": { params: z.object({ storage: StorageLocationSchema, freeSpaceOf: z.array(DiskStoreTemplateSchema).max(2) }).strict(), result: NodeInstanceReportSchema },
  /** Creates the disks; all or nothing on this node. */
  "instance.disks.create": { params: InstanceDisksSchema, result: z.object({ paths: z.array(z.string()) }) },
  /** Removes the disks; ones already gone are fine. */
  "instance.disks.remove": { params: InstanceDisksSchema, result: Empty },
  "instance.disks.grow": { params: InstanceDisksSchema.extend({ newSizeMiB: z.number().int().min(1) }).strict(), result: Empty },
  /** Every disk this node's stores hold under alkor's names, for cluster verify. */
  "instance.disks.inventory": { params: z.object({ storage: StorageLocationSchema }).strict(), result: DiskInventorySchema },
  "instance.disks.activate": { params: InstanceDisksSchema, result: z.object({ paths: z.array(z.string()) }) },
  "instance.disks.deactivate": { params: InstanceDisksSchema, result: Empty },
  /** Runs one of the OS definition's scripts for the instance. */
  "instance.os.run": {
    params: z
      .object({
        script: OsScriptSchema,
        spec: InstanceRunSpecSchema,
        os: z.string().min(1),
        osParams: z.record(z.string(), z.string()),
        oldName: InstanceNameSchema.optional(),
      })
      .strict(),
    result: z.object({ logPath: z.string() }),
  },
  /** Defines (or redefines) the instance's domain without starting it. */
  "instance.define": { params: z.object({ spec: InstanceRunSpecSchema }).strict(), result: Empty },
  /** Activates the disks, defines and starts the domain. */
  "instance.start": { params: z.object({ spec: InstanceRunSpecSchema }).strict(), result: Empty },
  /** Asks the guest to shut down, and destroys it after timeoutS seconds (0: at once). */
  "instance.stop": { params: z.object({ name: InstanceNameSchema, timeoutS: z.number().int().min(0).max(86_400) }).strict(), result: z.object({ forced: z.boolean() }) },
  "instance.reboot": {
    params: z.object({ spec: InstanceRunSpecSchema, type: z.enum(["soft", "hard", "full"]), timeoutS: z.number().int().min(0).max(86_400) }).strict(),
    result: Empty,
  },
  "instance.setMemory": { params: z.object({ name: InstanceNameSchema, memoryMiB: z.number().int().min(1) }).strict(), result: Empty },
  /** Destroys (if running) and undefines the domain; a domain already gone is fine. */
  "instance.undefine": { params: ByName, result: Empty },
  /** The OS definitions this node has. */
  "os.list": { params: Empty, result: z.object({ definitions: z.array(OsDefinitionViewSchema) }) },
} satisfies RpcMethodMap;

export type InstanceRpcMethods = typeof instanceRpcMethods;
