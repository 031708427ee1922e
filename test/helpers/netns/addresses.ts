interface IpAddrLink {
  addr_info: Array<{ local: string; scope: string }>;
}

/**
 * The addresses in `ip -j addr` output that others can reach the namespace
 * at: everything but loopback (scope host) and IPv6 link-local (scope link).
 */
export function reachableAddresses(ipJson: string): string[] {
  const links = JSON.parse(ipJson) as IpAddrLink[];
  return links.flatMap((link) => link.addr_info.filter((info) => info.scope === "global").map((info) => info.local));
}
