import { formationProof, proofMatches } from "./join-token.js";

export interface FormationPeer {
  uuid: string;
  name: string;
  address: string;
  brokerPort: number;
  alive: boolean;
  cluster: { name: string; uuid: string } | null;
  formation: { name: string; proof: string } | null;
}

export interface FormationGoal {
  /** Null when the node has only a join token: it joins whichever cluster accepts it. */
  clusterName: string | null;
  joinToken: string;
  /** Null without a site config: such a node never founds a cluster by itself. */
  expectedNodes: number | null;
}

export type FormationStep =
  | { kind: "join"; via: string; clusterUuid: string; clusterName: string }
  | { kind: "found"; members: string[] }
  | { kind: "wait"; reason: string };

/**
 * What a node that is not yet a member does next. It joins a live member of
 * its cluster if it sees one; otherwise, once the expected number of nodes
 * holding the same token see each other, the one with the lowest name founds
 * the cluster and the others join it.
 */
export function nextFormationStep(self: { uuid: string; name: string }, goal: FormationGoal, peers: readonly FormationPeer[]): FormationStep {
  const alive = peers.filter((peer) => peer.alive);
  const member = alive
    .filter((peer) => peer.cluster !== null && (goal.clusterName === null || peer.cluster.name === goal.clusterName))
    .sort((a, b) => a.name.localeCompare(b.name))[0];
  if (member?.cluster) return { kind: "join", via: member.name, clusterUuid: member.cluster.uuid, clusterName: member.cluster.name };
  if (goal.clusterName === null || goal.expectedNodes === null) return { kind: "wait", reason: "no member of a cluster is in sight yet" };
  const name = goal.clusterName;
  const ready = alive
    .filter((peer) => peer.cluster === null && peer.formation?.name === name && proofMatches(formationProof(goal.joinToken, name, peer.uuid), peer.formation.proof))
    .map((peer) => peer.name);
  const members = [self.name, ...ready].sort((a, b) => a.localeCompare(b));
  if (members.length < goal.expectedNodes) {
    return { kind: "wait", reason: `${members.length} of ${goal.expectedNodes} nodes for cluster ${name} see each other` };
  }
  if (members[0] !== self.name) return { kind: "wait", reason: `${members[0]} founds cluster ${name}` };
  return { kind: "found", members };
}
