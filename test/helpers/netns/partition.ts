import { processExec } from "../../../src/host/exec.js";

const TABLE = "inet alkor_partition";

// `add` then `delete` removes the table whether or not it exists (nft 1.0.6 has no `destroy`).
const CLEAR = `add table ${TABLE}\ndelete table ${TABLE}\n`;

/**
 * The nft script that leaves a node's eth0 open only to `reachable` (the other
 * members of its side of a partition), in and out; loopback stays open.
 * Replaces whatever partition the node was in, in one transaction.
 */
function islandScript(reachable: readonly string[]): string {
  const set = reachable.join(", ");
  const accept = (direction: "iifname" | "oifname", field: "saddr" | "daddr") =>
    reachable.length === 0 ? "" : `${direction} "eth0" ip ${field} { ${set} } accept; `;
  return `${CLEAR}table ${TABLE} {
  chain input { type filter hook input priority filter; policy accept; ${accept("iifname", "saddr")}iifname "eth0" drop; }
  chain output { type filter hook output priority filter; policy accept; ${accept("oifname", "daddr")}oifname "eth0" drop; }
}
`;
}

/** Confines the node in `namespace` to `reachable`. */
export async function confine(namespace: string, reachable: readonly string[]): Promise<void> {
  await nft(namespace, islandScript(reachable));
}

/** Opens the node's eth0 to everyone again. */
export async function release(namespace: string): Promise<void> {
  await nft(namespace, CLEAR);
}

// By its full path: npm puts node_modules/.bin first on PATH, and @vercel/nft (a
// dependency of ava) installs an `nft` there that exits 0 and filters nothing.
const NFT = "/usr/sbin/nft";

// nft reads a whole script, newlines included, from its arguments: no temp file, one transaction.
async function nft(namespace: string, script: string): Promise<void> {
  await processExec.run(["ip", "netns", "exec", namespace, NFT, script]);
}
