import type { Instance } from "../../cluster/state/instance-schema.js";
import { roleOf } from "../../cluster/state/roles.js";
import type { ClusterNode, ClusterState } from "../../cluster/state/schema.js";
import type { NodeRole, NodeView } from "../../model/node.js";
import { epochSeconds } from "./ganeti-time.js";
import { NO_DATA, OFFLINE, UNAVAILABLE, type Field, type FieldKind, type FieldTable } from "./query-fields.js";

/** A node as the RAPI shows it: its configuration, its role, and what this agent hears of it live. */
export interface NodeRow {
  node: ClusterNode;
  role: NodeRole;
  groupName: string | undefined;
  /** Undefined when this agent has no live view of the node. */
  view: NodeView | undefined;
  /** The instances with this node as primary, and as secondary, by name. */
  primaryInstances: string[];
  secondaryInstances: string[];
}

/** Ganeti's role letters (the `role` field) and names (/2/nodes/N/role). */
export const GANETI_ROLE_LETTERS: Readonly<Record<NodeRole, string>> = { master: "M", candidate: "C", regular: "R", drained: "D", offline: "O" };
export const GANETI_ROLE_NAMES: Readonly<Record<NodeRole, string>> = {
  master: "master",
  candidate: "master-candidate",
  regular: "regular",
  drained: "drained",
  offline: "offline",
};

/** The fields of Ganeti's /2/nodes?bulk=1 (rlib2's N_FIELDS), in its order. */
export const BULK_NODE_FIELDS = [
  "name",
  "offline",
  "master_candidate",
  "drained",
  "dtotal",
  "dfree",
  "sptotal",
  "spfree",
  "mtotal",
  "mnode",
  "mfree",
  "pinst_cnt",
  "sinst_cnt",
  "ctotal",
  "cnos",
  "cnodes",
  "csockets",
  "pip",
  "sip",
  "role",
  "pinst_list",
  "sinst_list",
  "master_capable",
  "vm_capable",
  "ndparams",
  "group.uuid",
  "ctime",
  "mtime",
  "uuid",
  "serial_no",
  "tags",
] as const;

const MIB = 1024 * 1024;

/**
 * Live figures exist for a node heard from with its hardware read; an
 * offline node has none by definition (Ganeti's RS_OFFLINE), a silent one
 * none now (RS_NODATA).
 */
function live(read: (view: NodeView) => unknown): (row: NodeRow) => unknown {
  return (row) => {
    if (row.node.offline) return OFFLINE;
    if (row.view === undefined || row.view.status === "dead" || row.view.hardware === null) return NO_DATA;
    return read(row.view);
  };
}

function field(title: string, kind: FieldKind, doc: string, get: (row: NodeRow) => unknown): Field<NodeRow> {
  return { title, kind, doc, get };
}

/** What alkor does not track (per-node serials and change times, spindles, NUMA layout) is RS_UNAVAIL, null in bulk listings. */
const unavailable = (): unknown => UNAVAILABLE;

export const NODE_FIELDS: FieldTable<NodeRow> = new Map<string, Field<NodeRow>>([
  ["name", field("Node", "text", "Node name", (row) => row.node.name)],
  ["offline", field("Offline", "bool", "Whether node is marked offline", (row) => row.node.offline)],
  ["master_candidate", field("MasterC", "bool", "Whether node is a master candidate", (row) => row.node.masterCandidate)],
  ["drained", field("Drained", "bool", "Whether node is drained", (row) => row.node.drained)],
  ["dtotal", field("DTotal", "unit", "Total disk space in volume group", live((view) => Math.floor(view.diskTotalBytes / MIB)))],
  ["dfree", field("DFree", "unit", "Free disk space in volume group", live((view) => Math.floor(view.diskFreeBytes / MIB)))],
  ["sptotal", field("SpTotal", "number", "Total spindles in volume group", unavailable)],
  ["spfree", field("SpFree", "number", "Available spindles in volume group", unavailable)],
  ["mtotal", field("MTotal", "unit", "Total amount of memory of physical machine", live((view) => Math.floor(view.memoryTotalBytes / MIB)))],
  ["mnode", field("MNode", "unit", "Amount of memory used by node", unavailable)],
  ["mfree", field("MFree", "unit", "Memory available for instance allocations", live((view) => Math.floor(view.memoryFreeBytes / MIB)))],
  ["pinst_cnt", field("Pinst", "number", "Number of instances with this node as primary", (row) => row.primaryInstances.length)],
  ["sinst_cnt", field("Sinst", "number", "Number of instances with this node as secondary", (row) => row.secondaryInstances.length)],
  ["ctotal", field("CTotal", "number", "Total number of logical processors", live((view) => view.cpus))],
  // Ganeti's KVM nodes report every CPU as usable by the node OS (hv_base's cpu_dom0 = cpu_total).
  ["cnos", field("CNOs", "number", "Number of logical processors used by the node OS", live((view) => view.cpus))],
  ["cnodes", field("CNodes", "number", "Number of NUMA domains on node", unavailable)],
  ["csockets", field("CSockets", "number", "Number of physical CPU sockets", unavailable)],
  ["pip", field("PrimaryIP", "text", "Primary IP address", (row) => row.node.address)],
  // alkor nodes have one network; Ganeti shows the primary address as secondary then.
  ["sip", field("SecondaryIP", "text", "Secondary IP address", (row) => row.node.address)],
  ["role", field("Role", "text", 'Node role; "M" for master, "C" for master candidate, "R" for regular, "D" for drained, "O" for offline', (row) => GANETI_ROLE_LETTERS[row.role])],
  ["pinst_list", field("PriInstances", "other", "List of instances with this node as primary", (row) => row.primaryInstances)],
  ["sinst_list", field("SecInstances", "other", "List of instances with this node as secondary", (row) => row.secondaryInstances)],
  ["master_capable", field("MasterCapable", "bool", "Whether node can become a master candidate", (row) => row.node.masterCapable)],
  ["vm_capable", field("VMCapable", "bool", "Whether node can host instances", (row) => row.node.vmCapable)],
  ["ndparams", field("NodeParameters", "other", "Node parameters", () => ({}))],
  ["group.uuid", field("GroupUUID", "text", "UUID of node group", (row) => row.node.group)],
  ["ctime", field("CTime", "timestamp", "Creation timestamp", (row) => epochSeconds(row.node.addedAt))],
  ["mtime", field("MTime", "timestamp", "Modification timestamp", unavailable)],
  ["uuid", field("UUID", "text", "Node UUID", (row) => row.node.uuid)],
  ["serial_no", field("SerialNo", "number", "Node object serial number, incremented on each modification", unavailable)],
  ["tags", field("Tags", "other", "Tags", (row) => row.node.tags)],
  ["group", field("Group", "text", "Node group", (row) => row.groupName ?? UNAVAILABLE)],
  ["master", field("IsMaster", "bool", "Whether node is master", (row) => row.role === "master")],
  ["status", field("Status", "text", "Liveness as this agent hears it: alive, suspect or dead", (row) => row.view?.status ?? NO_DATA)],
]);

const byNiceName = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });

/** The cluster's nodes, sorted by name as Ganeti sorts them (digits by value), with their live views and instances. */
export function nodeRows(state: ClusterState, masterName: string, views: readonly NodeView[]): NodeRow[] {
  const masterUuid = Object.values(state.nodes).find((node) => node.name === masterName)?.uuid ?? null;
  const viewsByUuid = new Map(views.map((view) => [view.uuid, view]));
  const instances = Object.values(state.instances);
  const namesOn = (uuid: string, nodes: (instance: Instance) => readonly string[]): string[] =>
    instances
      .filter((instance) => nodes(instance).includes(uuid))
      .map((instance) => instance.name)
      .sort(byNiceName);
  return Object.values(state.nodes)
    .sort((a, b) => byNiceName(a.name, b.name))
    .map((node) => ({
      node,
      role: roleOf(node, masterUuid),
      groupName: state.nodeGroups[node.group]?.name,
      view: viewsByUuid.get(node.uuid),
      primaryInstances: namesOn(node.uuid, (instance) => [instance.primaryNode]),
      secondaryInstances: namesOn(node.uuid, (instance) => instance.secondaryNodes),
    }));
}
