import { z } from "zod";
import { NodeNameSchema } from "../../model/node.js";

/**
 * Instances in the replicated configuration, with Ganeti's parameter groups:
 * beparams (memory, vcpus), hvparams (how the domain boots and is reached),
 * nicparams (how a NIC connects). The cluster holds the defaults; an instance
 * keeps only what it overrides, so changing a default reaches every instance
 * that did not set its own.
 */

const UuidSchema = z.string().uuid();

/** Instance names are host names, as Ganeti's are (resolvable, usually in the cluster's subnet). */
export const InstanceNameSchema = NodeNameSchema;

export const diskTemplates = ["diskless", "file", "plain"] as const;
export const DiskTemplateSchema = z.enum(diskTemplates);
export type DiskTemplate = z.infer<typeof DiskTemplateSchema>;

/** Ganeti's MAC format; the cluster's prefix for generated ones (aa:00:00) is locally administered. */
export const MacSchema = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, "must be six lower-case hex pairs separated by colons, e.g. aa:00:00:12:34:56")
  .refine((mac) => (parseInt(mac.slice(0, 2), 16) & 1) === 0, "must be a unicast address (the first octet even)");

export const IpSchema = z.union([z.ipv4(), z.ipv6()]);

export const BeParamsSchema = z.object({
  /** MiB the instance runs with when the node has it free. */
  maxmem: z.number().int().min(32).max(16 * 1024 * 1024),
  /** MiB below which it does not start. */
  minmem: z.number().int().min(32).max(16 * 1024 * 1024),
  vcpus: z.number().int().min(1).max(512),
  auto_balance: z.boolean(),
  always_failover: z.boolean(),
});
export type BeParams = z.infer<typeof BeParamsSchema>;

/** A path on the node, or "" for none (Ganeti's way of clearing kernel_path). */
const NodePathSchema = z.string().max(4096).regex(/^(|\/[^\0]*)$/, "must be an absolute path, or empty for none");

export const HvParamsSchema = z.object({
  kernel_path: NodePathSchema,
  initrd_path: NodePathSchema,
  kernel_args: z.string().max(4096).regex(/^[^\0\n]*$/, "must be one line"),
  root_path: z.string().max(256).regex(/^[^\0\s]*$/, "must not contain spaces"),
  boot_order: z.enum(["disk", "cdrom", "network"]),
  serial_console: z.boolean(),
  /** VNC listens here; "" for no VNC. */
  vnc_bind_address: z.union([z.literal(""), IpSchema]),
});
export type HvParams = z.infer<typeof HvParamsSchema>;

export const NicModeSchema = z.enum(["bridged", "routed", "openvswitch"]);
export const NicParamsSchema = z.object({
  mode: NicModeSchema,
  /** The bridge (bridged, openvswitch) or routing table (routed). */
  link: z.string().min(1).max(64).regex(/^[\w.:-]+$/, "may hold only letters, digits and . _ : -"),
});
export type NicParams = z.infer<typeof NicParamsSchema>;

export const InstanceDefaultsSchema = z.object({
  beparams: BeParamsSchema,
  hvparams: HvParamsSchema,
  nicparams: NicParamsSchema,
  /** Where file-template disks live on every node. */
  fileStorageDir: z.string().regex(/^\/[^\0]*$/).max(1024),
  /** The volume group of plain disks. */
  volumeGroup: z.string().min(1).max(127),
  /** The first three octets of generated MACs. */
  macPrefix: z.string().regex(/^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/),
});
export type InstanceDefaults = z.infer<typeof InstanceDefaultsSchema>;

export const defaultInstanceDefaults: InstanceDefaults = {
  beparams: { maxmem: 128, minmem: 128, vcpus: 1, auto_balance: true, always_failover: false },
  hvparams: { kernel_path: "", initrd_path: "", kernel_args: "ro", root_path: "/dev/vda1", boot_order: "disk", serial_console: true, vnc_bind_address: "" },
  nicparams: { mode: "bridged", link: "br0" },
  fileStorageDir: "/srv/alkor/file-storage",
  volumeGroup: "alkor",
  macPrefix: "aa:00:00",
};

export const DiskSchema = z.object({
  uuid: UuidSchema,
  name: z.string().min(1).max(64).nullable(),
  sizeMiB: z.number().int().min(1).max(64 * 1024 * 1024),
  mode: z.enum(["rw", "ro"]),
  /** file disks may be qcow2; plain ones are raw logical volumes. */
  format: z.enum(["raw", "qcow2"]),
});
export type Disk = z.infer<typeof DiskSchema>;

export const NicSchema = z.object({
  uuid: UuidSchema,
  name: z.string().min(1).max(64).nullable(),
  mac: MacSchema,
  ip: IpSchema.nullable(),
  /** The NIC's own nicparams; the cluster's fill the rest. */
  params: NicParamsSchema.partial(),
});
export type Nic = z.infer<typeof NicSchema>;

/** up: should run; down: stopped; offline: stopped and holding no resources (modify --offline). */
export const AdminStateSchema = z.enum(["up", "down", "offline"]);
export type AdminState = z.infer<typeof AdminStateSchema>;

export const InstanceSchema = z.object({
  uuid: UuidSchema,
  name: InstanceNameSchema,
  /** OS name, with +variant when it has variants. */
  os: z.string().min(1).max(128),
  osParams: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string().max(4096)),
  primaryNode: UuidSchema,
  secondaryNodes: z.array(UuidSchema).max(1),
  diskTemplate: DiskTemplateSchema,
  disks: z.array(DiskSchema).max(16),
  nics: z.array(NicSchema).max(8),
  /** Overrides of the cluster's defaults. */
  beparams: BeParamsSchema.partial(),
  hvparams: HvParamsSchema.partial(),
  adminState: AdminStateSchema,
  /** Who set the admin state: an operator, or the instance's own user shutting it down. */
  adminStateSource: z.enum(["admin", "user"]),
  /** Whether the disks are activated (activate-disks), apart from running. */
  disksActive: z.boolean(),
  createdAt: z.number().int().nonnegative(),
  modifiedAt: z.number().int().nonnegative(),
  /** Ganeti's per-object serial_no. */
  serial: z.number().int().nonnegative(),
  tags: z.array(z.string()).default([]),
  /**
   * Ganeti's network_port: VNC listens on it when vnc_bind_address is set.
   * Given by the cluster when the instance is added; null for instances
   * added before alkor kept one (libvirt then picks a port).
   */
  networkPort: z.number().int().min(1).max(65_535).nullable().default(null),
});
export type Instance = z.infer<typeof InstanceSchema>;

/** An instance as instance.add carries it: what the cluster gives (serial, tags, network port) is left out. */
export const NewInstanceSchema = InstanceSchema.omit({ tags: true, serial: true, modifiedAt: true, networkPort: true });
export type NewInstance = z.infer<typeof NewInstanceSchema>;

/** Ganeti's pool of TCP ports for instances (FIRST_DRBD_PORT … LAST_DRBD_PORT). */
export const NETWORK_PORTS = { first: 11_000, last: 14_999 } as const;

/** What instance.modify may replace; serial and modifiedAt follow. */
export const InstanceChangesSchema = InstanceSchema.pick({
  os: true,
  osParams: true,
  primaryNode: true,
  secondaryNodes: true,
  disks: true,
  nics: true,
  beparams: true,
  hvparams: true,
  adminState: true,
  adminStateSource: true,
  disksActive: true,
}).partial();
export type InstanceChanges = z.infer<typeof InstanceChangesSchema>;

/** The parameters an instance runs with: its own over the cluster's. */
export function filledBeParams(instance: Pick<Instance, "beparams">, defaults: InstanceDefaults): BeParams {
  return { ...defaults.beparams, ...instance.beparams };
}

export function filledHvParams(instance: Pick<Instance, "hvparams">, defaults: InstanceDefaults): HvParams {
  return { ...defaults.hvparams, ...instance.hvparams };
}

export function filledNicParams(nic: Pick<Nic, "params">, defaults: InstanceDefaults): NicParams {
  return { ...defaults.nicparams, ...nic.params };
}
