import { isIPv4, isIPv6 } from "node:net";

/**
 * An IP address in one spelling, so two spellings of one address compare
 * equal: IPv6 lower-case with the longest zero run compressed (RFC 5952,
 * which is also how iproute2 prints it); null when `text` is no address.
 * Zone indices (fe80::1%eth0) are refused: a cluster IP has none.
 */
export function canonicalIp(text: string): string | null {
  if (isIPv4(text)) return text;
  if (!isIPv6(text) || text.includes("%")) return null;
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

export function sameIp(a: string, b: string): boolean {
  const canonical = canonicalIp(a);
  return canonical !== null && canonical === canonicalIp(b);
}
