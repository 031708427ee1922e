import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * A node proves it holds the cluster's join token without sending it: an
 * HMAC over what it claims, bound to its own UUID so a proof cannot be
 * replayed by another node.
 */
export function joinProof(token: string, clusterUuid: string, nodeUuid: string): string {
  return hmac(token, `alkor-join:${clusterUuid}:${nodeUuid}`);
}

/** What a node waiting to form a cluster announces: its token, proven for its UUID and the cluster name. */
export function formationProof(token: string, clusterName: string, nodeUuid: string): string {
  return hmac(token, `alkor-formation:${clusterName}:${nodeUuid}`);
}

export function proofMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(presented, "hex");
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

function hmac(key: string, message: string): string {
  return createHmac("sha256", key).update(message).digest("hex");
}
