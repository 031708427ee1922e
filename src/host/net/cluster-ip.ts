import { isIPv4 } from "node:net";
import { AlkorError } from "../../model/errors.js";
import { canonicalIp } from "./ip-text.js";

/** The cluster (master) IP: the address the master holds while it leads. */
export interface ClusterIp {
  ip: string;
  prefixLength: number;
}

/**
 * Reads a cluster IP as an operator writes it: `IP` or `IP/PREFIX`, IPv4 or
 * IPv6. Without a prefix the address stands alone (/32, /128), so adding it
 * puts no subnet route beside the management network's.
 */
export function parseClusterIp(text: string): ClusterIp {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const ip = match?.[1] === undefined ? null : canonicalIp(match[1]);
  if (match === null || ip === null) {
    throw new AlkorError(
      "wrong_input",
      `"${text}" is not a cluster IP: write an IPv4 or IPv6 address with an optional prefix length, such as 192.0.2.10, 192.0.2.10/24 or 2001:db8::10/64.`,
    );
  }
  const maxPrefix = isIPv4(ip) ? 32 : 128;
  const prefixLength = match[2] === undefined ? maxPrefix : Number(match[2]);
  if (prefixLength < 1 || prefixLength > maxPrefix) {
    throw new AlkorError("wrong_input", `The prefix length of cluster IP "${text}" must be between 1 and ${maxPrefix}.`);
  }
  return { ip, prefixLength };
}
