import type { Server } from "./server.js";
import type { Workload } from "./workload.js";

/**
 * What keeps a healed cluster from being live, or null: some server must lead
 * in the latest term, and every acknowledged write must be applied on a majority.
 */
export function livenessProblem(servers: readonly Server[], workload: Workload): string | null {
  const statuses = servers.filter((server) => server.up).map((server) => server.node.status());
  const term = Math.max(...statuses.map((status) => status.term));
  if (!statuses.some((status) => status.role === "leader" && status.term === term)) return `no leader in term ${term}`;
  const majority = Math.floor(servers.length / 2) + 1;
  for (const [id, index] of workload.acked) {
    const holders = servers.filter((server) => server.appliedWrites.has(id)).length;
    if (holders < majority) return `acknowledged write ${id} (index ${index}) applied on ${holders} of ${servers.length}`;
  }
  return null;
}
