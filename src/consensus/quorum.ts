import type { NodeId } from "./types.js";

/** §5.2: a majority of the voters, so any two quorums share a server. */
export function quorumSize(voters: readonly NodeId[]): number {
  return Math.floor(voters.length / 2) + 1;
}

/**
 * The highest value a majority of voters have each reached: the index stored
 * on a majority, from match indexes (§5.3); the latest message a majority
 * acknowledged, from acknowledgement ticks (the leader lease).
 */
export function reachedByQuorum(voters: readonly NodeId[], value: (id: NodeId) => number): number {
  const sorted = voters.map(value).sort((a, b) => b - a);
  return sorted[quorumSize(voters) - 1] ?? 0;
}

export type VoteResult = "won" | "lost" | "pending";

/** Whether the votes received so far decide the election. */
export function voteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    if (vote === false) rejected++;
  }
  const quorum = quorumSize(voters);
  if (granted >= quorum) return "won";
  if (rejected > voters.length - quorum) return "lost";
  return "pending";
}
