import { isIPv4, isIPv6 } from "node:net";
import { AlkorError } from "../../model/errors.js";
import { checkDevicePath, checkResourceName } from "./names.js";

/** One of the two nodes of a DRBD resource. */
export interface DrbdNode {
  /** As `uname -n` prints it on that node: drbdadm finds its own section by it (drbd.conf(5), "on"). */
  hostName: string;
  /** The node's replication address (IPv4 or IPv6). */
  address: string;
  /** The backing block device, e.g. /dev/alkor/vm1-disk0. */
  disk: string;
}

/** A two-node DRBD 8.4 resource with internal metadata and protocol C. */
export interface DrbdResource {
  name: string;
  /** /dev/drbd<minor>, the same on both nodes. */
  minor: number;
  /** TCP port of the replication link, the same on both nodes. */
  port: number;
  nodes: readonly [DrbdNode, DrbdNode];
}

/** Where drbd-utils' /etc/drbd.conf includes resource files from (Debian's drbd-utils). */
export const drbdConfigDir = "/etc/drbd.d";

export function resourceFilePath(name: string, configDir = drbdConfigDir): string {
  return `${configDir}/${checkResourceName("DRBD resource", name)}.res`;
}

/** The device node of a resource. */
export function drbdDevice(minor: number): string {
  return `/dev/drbd${minor}`;
}

/**
 * The resource file in DRBD 8.4's drbd.conf(5) syntax. Parsed by drbd-utils
 * 9.22's drbdadm-84 (`drbdadm-84 dump`), which is what the lab runs.
 */
export function renderResourceFile(resource: DrbdResource): string {
  checkResource(resource);
  const onSection = (node: DrbdNode): string[] => [
    `  on ${node.hostName} {`,
    `    device ${drbdDevice(resource.minor)} minor ${resource.minor};`,
    `    disk ${node.disk};`,
    // Metadata at the end of the backing device: nothing else to allocate or keep track of.
    `    meta-disk internal;`,
    `    address ${addressFamily(node.address)} ${hostPort(node.address, resource.port)};`,
    `  }`,
  ];
  return [
    `# Written by alkor: replaced whenever alkor changes resource ${resource.name}.`,
    `resource ${resource.name} {`,
    `  net {`,
    // Protocol C: a write completes once it is on both nodes' disks (DRBD 8.4 User's Guide, "Replication modes").
    `    protocol C;`,
    `  }`,
    ...onSection(resource.nodes[0]),
    ...onSection(resource.nodes[1]),
    `}`,
    ``,
  ].join("\n");
}

function checkResource(resource: DrbdResource): void {
  checkResourceName("DRBD resource", resource.name);
  // DRBD 8.4 minors run from 0 to 1048575 (drbd.conf(5), "device").
  if (!Number.isInteger(resource.minor) || resource.minor < 0 || resource.minor > 1_048_575) {
    throw new AlkorError("wrong_input", `DRBD minor ${resource.minor} of resource ${resource.name} must be a whole number from 0 to 1048575.`);
  }
  if (!Number.isInteger(resource.port) || resource.port < 1 || resource.port > 65535) {
    throw new AlkorError("wrong_input", `Port ${resource.port} of DRBD resource ${resource.name} must be from 1 to 65535.`);
  }
  const [first, second] = resource.nodes;
  if (first.hostName === second.hostName) {
    throw new AlkorError("wrong_input", `The two nodes of DRBD resource ${resource.name} must be different hosts, not both ${first.hostName}.`);
  }
  for (const node of resource.nodes) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9.-]{0,252}$/.test(node.hostName)) {
      throw new AlkorError("wrong_input", `"${node.hostName}" is not a host name DRBD can match (letters, digits, dots and dashes).`);
    }
    if (!isIPv4(node.address) && !isIPv6(node.address)) {
      throw new AlkorError("wrong_input", `"${node.address}" (node ${node.hostName} of DRBD resource ${resource.name}) is not an IP address.`);
    }
    checkDevicePath(node.disk);
  }
}

function addressFamily(address: string): "ipv4" | "ipv6" {
  return isIPv4(address) ? "ipv4" : "ipv6";
}

function hostPort(address: string, port: number): string {
  return isIPv4(address) ? `${address}:${port}` : `[${address}]:${port}`;
}
