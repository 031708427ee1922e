import type { Command } from "commander";
import { NODES_PATH, NodeListBodySchema } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import type { NodeRole, NodeView } from "../../model/node.js";
import { addListOptions, columnsOf, endpointOf, printJson, printLines, type ListOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { formatTable, type Column } from "../table.js";

/** The one-letter roles of Ganeti's `gnt-node list -o role`. */
const ROLE_LETTERS: Record<NodeRole, string> = { master: "M", candidate: "C", regular: "R", drained: "D", offline: "O" };

export const NODE_COLUMNS: readonly Column<NodeView>[] = [
  { name: "name", title: "Node", kind: "text", value: (node) => node.name },
  { name: "role", title: "Role", kind: "text", value: (node) => ROLE_LETTERS[node.role] },
  { name: "status", title: "Status", kind: "text", value: (node) => node.status },
  // CPUs and total memory come from the node's hardware reading: "?" until it has one.
  { name: "cpus", aliases: ["ctotal"], title: "CPUs", kind: "number", value: (node) => (node.hardware ? node.cpus : "?") },
  { name: "mtotal", title: "MTotal", kind: "size", value: (node) => (node.hardware ? node.memoryTotalBytes : "?") },
  { name: "mfree", title: "MFree", kind: "size", value: (node) => node.memoryFreeBytes },
  { name: "dtotal", title: "DTotal", kind: "size", value: (node) => node.diskTotalBytes },
  { name: "dfree", title: "DFree", kind: "size", value: (node) => node.diskFreeBytes },
  // "?" is Ganeti's mark for data a node has not provided yet.
  { name: "profile", title: "Profile", kind: "text", value: (node) => node.hardware?.profile ?? "?" },
  { name: "version", title: "Version", kind: "text", value: (node) => node.version },
  { name: "address", aliases: ["pip"], title: "Address", kind: "text", value: (node) => node.managementAddress },
  { name: "uuid", title: "UUID", kind: "text", value: (node) => node.uuid },
  // Seconds since the last heartbeat, with the tenths that matter next to a one-second interval.
  { name: "lastseen", title: "LastSeen", kind: "number", value: (node) => (node.lastSeenAgoMs / 1000).toFixed(1) },
];

export const DEFAULT_NODE_FIELDS = ["name", "role", "status", "cpus", "mtotal", "mfree", "dtotal", "dfree", "profile"] as const;

/** The named nodes in the order given, or all of them in name order (node2 before node10). */
export function selectNodes(nodes: readonly NodeView[], names: readonly string[]): NodeView[] {
  if (names.length === 0) return nodes.toSorted((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  const unknown = names.filter((name) => !nodes.some((node) => node.name === name));
  if (unknown.length > 0) throw new AlkorError("unknown_entity", `Unknown node${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`);
  return names.map((name) => nodes.find((node) => node.name === name)!);
}

export function addNodeListCommand(program: Command): void {
  const command = program
    .command("list")
    .description("list the nodes of the cluster, one per line")
    .argument("[nodes...]", "only these nodes");
  addListOptions(command, NODE_COLUMNS, DEFAULT_NODE_FIELDS).action(async (names: string[], options: ListOptions) => {
    const columns = columnsOf(NODE_COLUMNS, DEFAULT_NODE_FIELDS, options);
    const { nodes } = await getJson(endpointOf(options), NODES_PATH, NodeListBodySchema);
    const selected = selectNodes(nodes, names);
    if (options.json) printJson(selected);
    else printLines(formatTable(columns, selected, options));
  });
}
