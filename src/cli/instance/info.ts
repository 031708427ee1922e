import type { Command } from "commander";
import { INSTANCES_PATH, InstanceBodySchema, InstanceListBodySchema, instancePath } from "../../api/local/contract.js";
import { compareInstanceNames } from "../../api/rapi/instance-fields.js";
import type { InstanceView } from "../../model/instance.js";
import { addEndpointOption, addJsonOption, endpointOf, printJson, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { renderInfoEntries } from "../info-block.js";
import { formatSize } from "../table.js";
import { timestampText } from "../time-format.js";
import { HYPERVISOR } from "./params.js";

const MIB = 1024 * 1024;

function mebibytes(mib: number): string {
  return formatSize(mib * MIB, "h");
}

/**
 * Ganeti's FormatParamsDictInfo: every parameter in name order, the
 * instance's own values as they are and the cluster's as "default (X)".
 */
export function paramsInfo(own: Readonly<Record<string, unknown>>, filled: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(filled)
      .sort()
      .map((key) => {
        const text = JSON.stringify(filled[key]);
        return [key, Object.hasOwn(own, key) ? text : `default (${text})`];
      }),
  );
}

/** Ganeti's "State:" line: the configured state, then what the primary reports. */
function stateText(view: InstanceView): string {
  const actual = view.operState === null ? `unknown (${view.runtimeError ?? "the primary node did not answer"})` : view.operState ? "running" : "stopped";
  return `configured to be ${view.adminState}, actual state is ${actual}`;
}

/** VNC's display number, as VNC viewers count from port 5900. */
const VNC_BASE_PORT = 5900;

/** How to reach the instance's consoles: its serial console, and VNC where it listens. */
function consoleText(view: InstanceView): string {
  const ways: string[] = [];
  if (view.hvparams.serial_console) ways.push(`serial, alkor-instance console ${view.name}`);
  const address = String(view.hvparams.vnc_bind_address ?? "");
  if (address !== "" && view.networkPort === null) ways.push(`vnc on ${address}, at a port libvirt chose`);
  if (address !== "" && view.networkPort !== null) {
    // As Ganeti words it: a wildcard address is reached by the primary's name; another one is named, with its node.
    const wildcard = address === "0.0.0.0" || address === "::";
    const host = wildcard ? view.primaryNode : address.includes(":") ? `[${address}]` : address;
    const display = view.networkPort - VNC_BASE_PORT;
    ways.push(`vnc to ${host}:${view.networkPort}${wildcard ? "" : ` (node ${view.primaryNode})`}${display >= 0 ? ` (display ${display})` : ""}`);
  }
  return ways.length > 0 ? ways.join("; ") : "none";
}

/** One instance as `gnt-instance info` shows it: an `Instance name:` line, then indented details. */
export function formatInstanceInfo(view: InstanceView): string[] {
  const details = {
    UUID: view.uuid,
    "Serial number": view.serial,
    "Creation time": timestampText(view.ctime),
    "Modification time": timestampText(view.mtime),
    State: stateText(view),
    Status: view.status,
    Nodes: { primary: view.primaryNode, secondaries: view.secondaryNodes.length > 0 ? view.secondaryNodes.join(", ") : "none" },
    "Operating system": view.os,
    "Operating system parameters": view.osParams,
    "Allocated network port": view.networkPort ?? "none",
    Hypervisor: HYPERVISOR,
    "Console connection": consoleText(view),
    "Hypervisor parameters": paramsInfo(view.customHvparams, view.hvparams),
    "Back-end parameters": paramsInfo(view.customBeparams, view.beparams),
    Hardware: {
      VCPUs: view.beparams.vcpus,
      Memory: `${mebibytes(view.beparams.maxmem)} (minimum ${mebibytes(view.beparams.minmem)})`,
      "Runtime memory": view.operRamMiB === null ? "none (not running)" : mebibytes(view.operRamMiB),
    },
    NICs: view.nics.map((nic) => ({ [`nic/${nic.index}`]: nic.mac, IP: nic.ip, mode: nic.mode, link: nic.link, name: nic.name, UUID: nic.uuid })),
    "Disk template": view.diskTemplate,
    "Disks active": view.disksActive ? "yes" : "no",
    Disks: view.disks.map((disk) => ({
      [`disk/${disk.index}`]: `${view.diskTemplate}, size ${mebibytes(disk.sizeMiB)}`,
      "access mode": disk.mode,
      format: disk.format,
      name: disk.name,
      UUID: disk.uuid,
    })),
  };
  return [`Instance name: ${view.name}`, ...renderInfoEntries(details, "  ")];
}

export function addInstanceInfoCommand(program: Command): void {
  const command = program
    .command("info")
    .alias("show")
    .description("show the details of instances: state, nodes, parameters, NICs and disks")
    .argument("[instances...]", "the instances to show (default: all)");
  addJsonOption(addEndpointOption(command)).action(async (names: string[], options: EndpointOptions & { json?: boolean }) => {
    const endpoint = endpointOf(options);
    const views =
      names.length > 0
        ? await Promise.all(names.map(async (name) => (await getJson(endpoint, instancePath(name), InstanceBodySchema)).instance))
        : (await getJson(endpoint, INSTANCES_PATH, InstanceListBodySchema)).instances.toSorted((a, b) => compareInstanceNames(a.name, b.name));
    if (options.json) printJson(views);
    else printLines(views.flatMap(formatInstanceInfo));
  });
}
