import type { ConfChange, Configuration } from "../consensus/types.js";
import type { Liveness } from "../model/node.js";
import type { ClusterCommand, ClusterNode, ClusterState } from "./state/schema.js";

export interface PoolView {
  state: ClusterState;
  /** Raft's latest configuration (node UUIDs). */
  raft: Configuration;
  /** The master's own UUID. */
  leader: string;
  /** How alive the master sees a node; undefined when it has not heard of it. */
  liveness(uuid: string): Liveness | undefined;
  /** Whether a node's log holds every committed entry. */
  caughtUp(uuid: string): boolean;
}

export type PoolAction =
  | { kind: "conf"; change: ConfChange; reason: string }
  | { kind: "command"; command: ClusterCommand; reason: string };

/**
 * What the master does next to keep Raft's members in line with the cluster
 * state (candidates vote, every other node is a learner that receives the
 * committed state) and the candidate pool full. One step at a time: Raft
 * changes one server at a time, and each step is re-planned from the state
 * it produced. Null when everything is in place.
 */
export function nextPoolAction(view: PoolView): PoolAction | null {
  return alignRaft(view) ?? fillPool(view);
}

function alignRaft({ state, raft, leader, liveness, caughtUp }: PoolView): PoolAction | null {
  const voters = new Set(raft.voters);
  const learners = new Set(raft.learners);
  for (const node of sortedNodes(state)) {
    if (!voters.has(node.uuid) && !learners.has(node.uuid)) {
      return conf("add-learner", node.uuid, `${node.name} joined the cluster and starts receiving its state.`);
    }
  }
  for (const node of sortedNodes(state)) {
    // A voter that cannot answer, or has yet to catch up, would only make the quorum harder to reach (thesis §4.2.1).
    if (node.masterCandidate && learners.has(node.uuid) && liveness(node.uuid) === "alive" && caughtUp(node.uuid)) {
      return conf("promote-learner", node.uuid, `${node.name} is a master candidate and now votes.`);
    }
  }
  for (const uuid of [...voters].sort()) {
    const node = state.nodes[uuid];
    if (uuid !== leader && !node?.masterCandidate) {
      return conf("remove-voter", uuid, `${node?.name ?? uuid} is no longer a master candidate and stops voting.`);
    }
  }
  for (const uuid of [...learners].sort()) {
    if (!state.nodes[uuid]) return conf("remove-learner", uuid, `${uuid} left the cluster.`);
  }
  return null;
}

function fillPool({ state, leader, liveness }: PoolView): PoolAction | null {
  const cluster = state.cluster;
  if (cluster === null) return null;
  const nodes = sortedNodes(state);
  const eligible = nodes.filter((node) => node.masterCapable && !node.offline && !node.drained);
  const candidates = nodes.filter((node) => node.masterCandidate);
  const spare = eligible.find((node) => !node.masterCandidate && !node.operatorDemoted && (node.uuid === leader || liveness(node.uuid) === "alive"));
  if (candidates.length < Math.min(cluster.candidatePoolSize, eligible.length) && spare) {
    return modify(spare, true, `The candidate pool has ${candidates.length} of ${cluster.candidatePoolSize}; ${spare.name} is promoted.`);
  }
  // A failed candidate gives its place to a live node, so the quorum stays reachable.
  const failed = candidates.find((node) => node.uuid !== leader && liveness(node.uuid) === "dead");
  if (failed && spare) {
    return modify(failed, false, `Master candidate ${failed.name} is dead; it is demoted so that ${spare.name} can take its place.`);
  }
  return null;
}

function sortedNodes(state: ClusterState): ClusterNode[] {
  return Object.values(state.nodes).sort((a, b) => a.name.localeCompare(b.name));
}

function conf(type: ConfChange["type"], node: string, reason: string): PoolAction {
  return { kind: "conf", change: { type, node }, reason };
}

function modify(node: ClusterNode, masterCandidate: boolean, reason: string): PoolAction {
  return { kind: "command", command: { kind: "node.modify", uuid: node.uuid, changes: { masterCandidate } }, reason };
}
