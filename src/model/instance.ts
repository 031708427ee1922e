import { z } from "zod";

/**
 * An instance as the CLI and the RAPI show it: its configuration with the
 * cluster's defaults filled in, beside what its primary node reports.
 */
export const InstanceViewSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  os: z.string(),
  osParams: z.record(z.string(), z.string()),
  primaryNode: z.string(),
  secondaryNodes: z.array(z.string()),
  diskTemplate: z.enum(["diskless", "file", "plain"]),
  disks: z.array(z.object({ index: z.number().int(), uuid: z.string(), name: z.string().nullable(), sizeMiB: z.number().int(), mode: z.enum(["rw", "ro"]), format: z.enum(["raw", "qcow2"]) })),
  nics: z.array(
    z.object({ index: z.number().int(), uuid: z.string(), name: z.string().nullable(), mac: z.string(), ip: z.string().nullable(), mode: z.string(), link: z.string() }),
  ),
  /** Filled: the instance's own values over the cluster's. */
  beparams: z.object({ maxmem: z.number(), minmem: z.number(), vcpus: z.number(), auto_balance: z.boolean(), always_failover: z.boolean() }),
  hvparams: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])),
  /** What the instance sets itself. */
  customBeparams: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])),
  customHvparams: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])),
  customNicparams: z.array(z.record(z.string(), z.string())),
  adminState: z.enum(["up", "down", "offline"]),
  adminStateSource: z.enum(["admin", "user"]),
  disksActive: z.boolean(),
  /** Ganeti's status: running, ADMIN_down, ERROR_down, ... */
  status: z.string(),
  /** Whether the domain runs; null when the primary did not answer. */
  operState: z.boolean().nullable(),
  /** The domain's libvirt state, or null (no domain, or no answer). */
  domainState: z.string().nullable(),
  operRamMiB: z.number().nullable(),
  operVcpus: z.number().nullable(),
  /** Why there is no runtime information, when there is none. */
  runtimeError: z.string().nullable(),
  ctime: z.number(),
  mtime: z.number(),
  serial: z.number().int(),
  /** Ganeti's network_port: where VNC listens when vnc_bind_address is set; null when the instance has none. */
  networkPort: z.number().int().nullable(),
  tags: z.array(z.string()),
});
export type InstanceView = z.infer<typeof InstanceViewSchema>;
