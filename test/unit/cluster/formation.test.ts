import test from "ava";
import { nextFormationStep, type FormationGoal, type FormationPeer } from "../../../src/cluster/formation.js";
import { formationProof } from "../../../src/cluster/join-token.js";
import { uuidOf } from "./fixtures.js";

const token = "site-token-1";
const goal: FormationGoal = { clusterName: "c1", joinToken: token, expectedNodes: 3 };
const self = { uuid: uuidOf(1), name: "node1" };

function waiting(n: number, proofToken = token): FormationPeer {
  return {
    uuid: uuidOf(n),
    name: `node${n}`,
    address: `10.0.0.${n}`,
    brokerPort: 1883,
    alive: true,
    cluster: null,
    formation: { name: "c1", proof: formationProof(proofToken, "c1", uuidOf(n)) },
  };
}

test("the lowest-named node founds the cluster once the expected number see each other", (t) => {
  t.deepEqual(nextFormationStep(self, goal, [waiting(2), waiting(3)]), { kind: "found", members: ["node1", "node2", "node3"] });
  t.deepEqual(nextFormationStep({ uuid: uuidOf(2), name: "node2" }, goal, [waiting(1), waiting(3)]), { kind: "wait", reason: "node1 founds cluster c1" });
});

test("nodes wait until enough nodes holding the token are alive", (t) => {
  const step = nextFormationStep(self, goal, [waiting(2), { ...waiting(3), alive: false }]);
  t.deepEqual(step, { kind: "wait", reason: "2 of 3 nodes for cluster c1 see each other" });
});

test("a node with another token is not counted", (t) => {
  const step = nextFormationStep(self, goal, [waiting(2), waiting(3, "another-token")]);
  t.is(step.kind, "wait");
});

test("a proof copied from another node does not count for this one", (t) => {
  const copied = { ...waiting(3), formation: waiting(2).formation };
  t.is(nextFormationStep(self, goal, [waiting(2), copied]).kind, "wait");
});

test("a live member of the cluster is joined rather than a new cluster founded", (t) => {
  const member = { ...waiting(4), formation: null, cluster: { name: "c1", uuid: uuidOf(99) } };
  t.deepEqual(nextFormationStep(self, goal, [waiting(2), waiting(3), member]), { kind: "join", via: "node4", clusterUuid: uuidOf(99), clusterName: "c1" });
  const other = { ...member, cluster: { name: "c2", uuid: uuidOf(98) } };
  t.is(nextFormationStep(self, goal, [other]).kind, "wait", "a member of another cluster is ignored");
});

test("with only a join token a node joins any live cluster and never founds one", (t) => {
  const tokenOnly: FormationGoal = { clusterName: null, joinToken: token, expectedNodes: null };
  const member = { ...waiting(4), formation: null, cluster: { name: "c7", uuid: uuidOf(97) } };
  t.is(nextFormationStep(self, tokenOnly, [member]).kind, "join");
  t.is(nextFormationStep(self, tokenOnly, [waiting(2), waiting(3)]).kind, "wait");
});
