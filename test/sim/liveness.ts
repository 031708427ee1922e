import type { Server } from "./server.js";
import type { Workload } from "./workload.js";

/**
 * What keeps a healed cluster from being live, or null: some server must lead
 * with no voter of its configuration in a later term, and every acknowledged
 * write must be applied on a majority of those voters. Servers outside the
 * configuration (removed ones may not know it) do not count.
 */
export function livenessProblem(servers: readonly Server[], workload: Workload): string | null {
  const up = servers.filter((server) => server.up);
  const leader = up.find((server) => {
    const { role, term, voters } = server.node.status();
    return role === "leader" && up.every((other) => !voters.includes(other.id) || other.node.status().term <= term);
  });
  if (leader === undefined) return "no leader ahead of its voters";
  const { voters } = leader.node.status();
  const majority = Math.floor(voters.length / 2) + 1;
  for (const [id, index] of workload.acked) {
    const holders = servers.filter((server) => voters.includes(server.id) && server.appliedIndex >= index).length;
    if (holders < majority) return `acknowledged write ${id} (index ${index}) applied on ${holders} of ${voters.length} voters`;
  }
  return null;
}
