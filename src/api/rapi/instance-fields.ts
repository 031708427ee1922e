import type { InstanceView } from "../../model/instance.js";
import { epochSeconds } from "./ganeti-time.js";
import { itemObject, NO_DATA, UNAVAILABLE, type Field, type FieldKind, type FieldTable } from "./query-fields.js";

/**
 * Instances as Ganeti's RAPI shows them (lib/query.py's instance fields):
 * each field reads the instance's view, its configuration beside what its
 * primary node reports.
 */

/** The fields of Ganeti 3.0's /2/instances?bulk=1 (rlib2's I_FIELDS), in its order. */
export const BULK_INSTANCE_FIELDS = [
  "name",
  "admin_state",
  "os",
  "pnode",
  "snodes",
  "disk_template",
  "nic.ips",
  "nic.macs",
  "nic.modes",
  "nic.uuids",
  "nic.names",
  "nic.links",
  "nic.networks",
  "nic.networks.names",
  "nic.bridges",
  "network_port",
  "disk.sizes",
  "disk.spindles",
  "disk_usage",
  "disk.uuids",
  "disk.names",
  "beparams",
  "hvparams",
  "oper_state",
  "oper_ram",
  "oper_vcpus",
  "status",
  "custom_hvparams",
  "custom_beparams",
  "custom_nicparams",
  "ctime",
  "mtime",
  "uuid",
  "serial_no",
  "tags",
] as const;

/**
 * Ganeti's default spindle_use. alkor has no spindles and ignores the
 * parameter, but Ganeti's filled beparams always carry it and htools read it.
 */
const SPINDLE_USE = 1;

function field(title: string, kind: FieldKind, doc: string, get: (view: InstanceView) => unknown): Field<InstanceView> {
  return { title, kind, doc, get };
}

/** Live figures: none when the primary did not answer (RS_NODATA), none while the domain does not run (RS_UNAVAIL). */
function live(read: (view: InstanceView) => number | null): (view: InstanceView) => unknown {
  return (view) => {
    if (view.operState === null) return NO_DATA;
    return read(view) ?? UNAVAILABLE;
  };
}

/** The filled backend parameters, as Ganeti's `beparams` field has them. */
function filledBeparams(view: InstanceView): Record<string, unknown> {
  return { ...view.beparams, spindle_use: SPINDLE_USE };
}

export const INSTANCE_FIELDS: FieldTable<InstanceView> = new Map<string, Field<InstanceView>>([
  ["name", field("Instance", "text", "Instance name", (view) => view.name)],
  ["admin_state", field("InstanceState", "text", "Desired state of the instance", (view) => view.adminState)],
  ["os", field("OS", "text", "Operating system", (view) => view.os)],
  ["pnode", field("Primary_node", "text", "Primary node", (view) => view.primaryNode)],
  ["snodes", field("Secondary_Nodes", "other", "Secondary nodes; usually this will just be one node", (view) => view.secondaryNodes)],
  ["disk_template", field("Disk_template", "text", "Instance disk template", (view) => view.diskTemplate)],
  ["nic.ips", field("NIC_IPs", "other", "List containing each network interface's IP address", (view) => view.nics.map((nic) => nic.ip))],
  ["nic.macs", field("NIC_MACs", "other", "List containing each network interface's MAC address", (view) => view.nics.map((nic) => nic.mac))],
  ["nic.modes", field("NIC_modes", "other", "List containing each network interface's mode", (view) => view.nics.map((nic) => nic.mode))],
  ["nic.uuids", field("NIC_UUIDs", "other", "List containing each network interface's UUID", (view) => view.nics.map((nic) => nic.uuid))],
  ["nic.names", field("NIC_Names", "other", "List containing each network interface's name", (view) => view.nics.map((nic) => nic.name))],
  ["nic.links", field("NIC_links", "other", "List containing each network interface's link", (view) => view.nics.map((nic) => nic.link))],
  // alkor has no Ganeti networks: a NIC connects by its mode and link alone.
  ["nic.networks", field("NIC_networks", "other", "List containing each interfaces network", (view) => view.nics.map(() => null))],
  ["nic.networks.names", field("NIC_networks_names", "other", "List containing each interfaces network name", (view) => view.nics.map(() => null))],
  // Ganeti: the link of a bridged NIC, None for the other modes.
  ["nic.bridges", field("NIC_bridges", "other", "List containing each network interface's bridge", (view) => view.nics.map((nic) => (nic.mode === "bridged" ? nic.link : null)))],
  ["nic.count", field("NICs", "number", "Number of network interfaces", (view) => view.nics.length)],
  ["network_port", field("Network_port", "other", "Instance network port if available (e.g. for VNC console)", (view) => view.networkPort)],
  ["disk.sizes", field("Disk_sizes", "other", "List of disk sizes", (view) => view.disks.map((disk) => disk.sizeMiB))],
  ["disk.spindles", field("Disk_spindles", "other", "List of disk spindles", (view) => view.disks.map(() => null))],
  ["disk.uuids", field("Disk_UUIDs", "other", "List of disk UUIDs", (view) => view.disks.map((disk) => disk.uuid))],
  ["disk.names", field("Disk_names", "other", "List of disk names", (view) => view.disks.map((disk) => disk.name))],
  ["disk.count", field("Disks", "number", "Number of disks", (view) => view.disks.length)],
  // Ganeti's ComputeDiskSize: plain and file disks take their size on the node, diskless nothing (drbd would add metadata).
  [
    "disk_usage",
    field("DiskUsage", "unit", "Total disk space used by instance on each of its nodes; this is not the disk size visible to the instance, but the usage on the node", (view) =>
      view.disks.reduce((sum, disk) => sum + disk.sizeMiB, 0),
    ),
  ],
  ["disks_active", field("DisksActive", "bool", "Desired state of the instance's disks", (view) => view.disksActive)],
  ["hypervisor", field("Hypervisor", "text", "Hypervisor name", () => "kvm")],
  ["beparams", field("BackendParameters", "other", "Backend parameters (merged)", filledBeparams)],
  ["hvparams", field("HypervisorParameters", "other", "Hypervisor parameters (merged)", (view) => view.hvparams)],
  ["osparams", field("OpSysParameters", "other", "Operating system parameters (merged)", (view) => view.osParams)],
  ["oper_state", field("Running", "bool", "Actual state of instance", (view) => view.operState ?? NO_DATA)],
  ["oper_ram", field("Memory", "unit", "Actual memory usage as seen by hypervisor", live((view) => view.operRamMiB))],
  ["oper_vcpus", field("VCPUs", "number", "Actual number of VCPUs as seen by hypervisor", live((view) => view.operVcpus))],
  [
    "status",
    field(
      "Status",
      "text",
      'Instance status; "running" if instance is set to be running and actually is, "ADMIN_down" if instance is stopped and is not running, "ERROR_up" if instance is running, but not marked to be running, "ERROR_down" if instance is marked to be running but is not, "ERROR_nodedown" if the primary node is unreachable, "ERROR_nodeoffline" if the primary node is marked offline, "ADMIN_offline" if instance is marked offline, "USER_down" if the instance was shut down by its user',
      (view) => view.status,
    ),
  ],
  ["custom_hvparams", field("CustomHypervisorParameters", "other", "Custom hypervisor parameters", (view) => view.customHvparams)],
  ["custom_beparams", field("CustomBackendParameters", "other", "Custom backend parameters", (view) => view.customBeparams)],
  ["custom_nicparams", field("CustomNicParameters", "other", "Custom network interface parameters", (view) => view.customNicparams)],
  ["custom_osparams", field("CustomOpSysParameters", "other", "Custom operating system parameters", (view) => view.osParams)],
  ["ctime", field("CTime", "timestamp", "Creation timestamp", (view) => epochSeconds(view.ctime))],
  ["mtime", field("MTime", "timestamp", "Modification timestamp", (view) => epochSeconds(view.mtime))],
  ["uuid", field("UUID", "text", "Instance UUID", (view) => view.uuid)],
  ["serial_no", field("SerialNo", "number", "Instance object serial number, incremented on each modification", (view) => view.serial)],
  ["tags", field("Tags", "other", "Tags", (view) => view.tags)],
]);

/** Ganeti's instance names sort with digits by value (NiceSort), as node names do. */
export function compareInstanceNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * An instance as /2/instances?bulk=1 and /2/instances/NAME show it: the
 * bulk fields, null where a value is missing, and beparams' `memory` set
 * to maxmem (rlib2's _UpdateBeparams, kept for clients older than 2.6).
 */
export function bulkInstance(view: InstanceView): Record<string, unknown> {
  const item = itemObject(INSTANCE_FIELDS, BULK_INSTANCE_FIELDS, view);
  item.beparams = { ...(item.beparams as Record<string, unknown>), memory: view.beparams.maxmem };
  return item;
}
