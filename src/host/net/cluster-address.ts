import { isIPv4 } from "node:net";
import type { Logger } from "pino";
import type { Exec } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import type { LinkAddresses } from "./addresses.js";
import { announceIpv4 } from "./arping.js";
import type { ClusterIp } from "./cluster-ip.js";
import { addAddress, deleteAddress, showAddresses } from "./ip-addr.js";
import { sameIp } from "./ip-text.js";

// Callers of the port read the cluster IP from configuration here too.
export { parseClusterIp, type ClusterIp } from "./cluster-ip.js";

export interface ClusterAddressSpec extends ClusterIp {
  device: string;
}

/**
 * Holds the cluster (master) IP on this node. The Raft driver acquires it
 * while this node leads and releases it as soon as it stops leading.
 */
export interface ClusterAddressPort {
  /** Adds the address if absent, then announces it (gratuitous ARP, IPv4, non-loopback devices only). Idempotent. */
  acquire(spec: ClusterAddressSpec): Promise<void>;
  /** Removes the address if present. Idempotent. */
  release(spec: ClusterAddressSpec): Promise<void>;
  held(spec: ClusterAddressSpec): Promise<boolean>;
}

/** The cluster IP through iproute2's `ip addr` and iputils' `arping`. */
export class IpCommandClusterAddress implements ClusterAddressPort {
  constructor(
    private readonly exec: Exec,
    private readonly log: Logger,
  ) {}

  async acquire(spec: ClusterAddressSpec): Promise<void> {
    const link = await this.link(spec.device);
    if (!holds(link, spec)) await addAddress(this.exec, spec, spec.device);
    if (!link.arp) return;
    if (!isIPv4(spec.ip)) {
      this.log.debug({ ip: spec.ip, device: spec.device }, `No ARP announcement for IPv6 cluster IP ${spec.ip}: neighbours find it by Neighbour Discovery.`);
      return;
    }
    // Announced even when the address was already there: a new master's
    // neighbours may still send to the old one's MAC address. Not awaited:
    // arping takes a second, and a master that loses its lease meanwhile must
    // be able to drop the address at once. A failed announcement is logged;
    // the address is held either way.
    void announceIpv4(this.exec, spec.device, spec.ip).catch((error: unknown) => {
      this.log.warn({ err: error, ip: spec.ip, device: spec.device }, `The cluster IP ${spec.ip} is held but could not be announced: ${(error as Error).message}`);
    });
  }

  async release(spec: ClusterAddressSpec): Promise<void> {
    if (holds(await this.link(spec.device), spec)) await deleteAddress(this.exec, spec, spec.device);
  }

  async held(spec: ClusterAddressSpec): Promise<boolean> {
    return holds(await this.link(spec.device), spec);
  }

  /** The device that carries `address`, or null; the default device for the cluster IP is the management address's. */
  async deviceOf(address: string): Promise<string | null> {
    const links = await showAddresses(this.exec);
    return links.find((link) => link.addresses.some((held) => sameIp(held.ip, address)))?.device ?? null;
  }

  private async link(device: string): Promise<LinkAddresses> {
    const [link, ...others] = await showAddresses(this.exec, device);
    if (link === undefined || others.length > 0 || link.device !== device) {
      throw new AlkorError("environment_error", `"ip -j addr show dev ${device}" did not list exactly the device ${device}.`);
    }
    return link;
  }
}

function holds(link: LinkAddresses, spec: ClusterIp): boolean {
  return link.addresses.some((address) => address.prefixLength === spec.prefixLength && sameIp(address.ip, spec.ip));
}
