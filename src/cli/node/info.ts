import type { Command } from "commander";
import { NODES_PATH, NodeListBodySchema, nodePath } from "../../api/local/contract.js";
import { NodeInfoSchema, type NodeInfo } from "../../api/local/node-directory.js";
import type { NodeRole } from "../../model/node.js";
import { addEndpointOption, addJsonOption, endpointOf, printJson, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { renderInfoEntries } from "../info-block.js";
import { formatSize } from "../table.js";
import { selectNodes } from "./list.js";

/** Roles in the manual's words. */
const ROLE_NAMES: Record<NodeRole, string> = {
  master: "master",
  candidate: "master candidate",
  regular: "regular",
  drained: "drained",
  offline: "offline",
};

/** One node as `gnt-node info` shows it: a `Node name:` line, then indented details. */
export function formatNodeInfo(info: NodeInfo): string[] {
  const { node } = info;
  const { hardware } = node;
  const details = {
    "primary ip": node.managementAddress,
    "broker port": node.brokerPort,
    uuid: node.uuid,
    role: ROLE_NAMES[node.role],
    status: node.self ? `${node.status} (this node)` : node.status,
    "last seen": node.self ? "now" : `${(node.lastSeenAgoMs / 1000).toFixed(1)}s ago`,
    version: node.version,
    hardware: hardware === null ? "not read yet" : {
      manufacturer: hardware.manufacturer,
      model: hardware.model,
      serial: hardware.serial,
      profile: hardware.profile,
      cpu: `${hardware.cpuModel}, ${hardware.cpuCores} cores, ${hardware.cpuThreads} threads`,
      disks: hardware.diskCount,
      nics: hardware.nicCount,
    },
    cpus: node.cpus,
    memory: `${formatSize(node.memoryTotalBytes, "h")} total, ${formatSize(node.memoryFreeBytes, "h")} free`,
    "disk space": `${formatSize(node.diskTotalBytes, "h")} total, ${formatSize(node.diskFreeBytes, "h")} free`,
    "hardware profile": info.profile ?? undefined,
    inventory: info.inventory ?? `unavailable (${info.inventoryError ?? "no reason given"})`,
  };
  return [`Node name: ${node.name}`, ...renderInfoEntries(details, "  ")];
}

export function addNodeInfoCommand(program: Command): void {
  const command = program
    .command("info")
    .description("show the details of nodes, including the inventory each reports of itself")
    .argument("[nodes...]", "the nodes to show (default: all)");
  addJsonOption(addEndpointOption(command)).action(async (names: string[], options: EndpointOptions & { json?: boolean }) => {
    const endpoint = endpointOf(options);
    const targets = names.length > 0
      ? names
      : selectNodes((await getJson(endpoint, NODES_PATH, NodeListBodySchema)).nodes, []).map((node) => node.name);
    const infos = await Promise.all(targets.map((name) => getJson(endpoint, nodePath(name), NodeInfoSchema)));
    if (options.json) printJson(infos);
    else printLines(infos.flatMap(formatNodeInfo));
  });
}
