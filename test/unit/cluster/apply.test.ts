import test from "ava";
import { applyCommand } from "../../../src/cluster/state/apply.js";
import { emptyClusterState } from "../../../src/cluster/state/schema.js";
import { clusterNode, clusterState, groupUuid, uuidOf } from "./fixtures.js";

const newNode = (n: number) => {
  const { group: _g, addedAt: _a, operatorDemoted: _o, ...node } = clusterNode(n);
  return node;
};

test("cluster.init creates the cluster, its default group and the founder; a second init is refused", (t) => {
  const init = {
    kind: "cluster.init" as const,
    cluster: clusterState([]).cluster!,
    defaultGroup: { uuid: groupUuid, name: "default" },
    founder: { ...newNode(1), masterCandidate: true },
  };
  const first = applyCommand(emptyClusterState, init);
  t.is(first.refusal, null);
  t.is(first.state.cluster?.name, "c1");
  t.is(first.state.serial, 1);
  t.deepEqual(Object.keys(first.state.nodes), [uuidOf(1)]);
  t.is(first.state.nodes[uuidOf(1)]?.group, groupUuid);
  const second = applyCommand(first.state, init);
  t.is(second.refusal?.code, "already_exists");
  t.is(second.state, first.state);
});

test("commands before init are refused and change nothing", (t) => {
  const outcome = applyCommand(emptyClusterState, { kind: "node.add", node: newNode(2), at: 5 });
  t.is(outcome.refusal?.code, "wrong_state");
  t.is(outcome.state, emptyClusterState);
});

test("node.add adds a node to the default group; the same node again keeps its roles; another node with its name is refused", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true })]);
  const added = applyCommand(state, { kind: "node.add", node: newNode(2), at: 5 });
  t.is(added.refusal, null);
  t.is(added.state.nodes[uuidOf(2)]?.addedAt, 5);
  t.is(added.state.serial, state.serial + 1);
  const promoted = applyCommand(added.state, { kind: "node.modify", uuid: uuidOf(2), changes: { masterCandidate: true } }).state;
  const readded = applyCommand(promoted, { kind: "node.add", node: { ...newNode(2), address: "10.0.0.22" }, at: 9 });
  t.is(readded.state.nodes[uuidOf(2)]?.masterCandidate, true);
  t.is(readded.state.nodes[uuidOf(2)]?.address, "10.0.0.22");
  t.is(readded.state.nodes[uuidOf(2)]?.addedAt, 5);
  const impostor = applyCommand(added.state, { kind: "node.add", node: { ...newNode(3), name: "node2" }, at: 6 });
  t.is(impostor.refusal?.code, "already_exists");
  t.regex(impostor.refusal?.message ?? "", /node2 already belongs to another node/);
});

test("node.remove removes a member and refuses an unknown one", (t) => {
  const state = clusterState([clusterNode(1), clusterNode(2)]);
  t.deepEqual(Object.keys(applyCommand(state, { kind: "node.remove", uuid: uuidOf(2) }).state.nodes), [uuidOf(1)]);
  t.is(applyCommand(state, { kind: "node.remove", uuid: uuidOf(7) }).refusal?.code, "unknown_entity");
});

test("taking a node offline or drained, or making it not master-capable, demotes it", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true })]);
  for (const changes of [{ offline: true }, { drained: true }, { masterCapable: false }]) {
    const node = applyCommand(state, { kind: "node.modify", uuid: uuidOf(1), changes }).state.nodes[uuidOf(1)]!;
    t.false(node.masterCandidate, JSON.stringify(changes));
  }
});

test("offline and drained exclude each other: setting one clears the other", (t) => {
  const drained = clusterState([clusterNode(1, { drained: true })]);
  const node = applyCommand(drained, { kind: "node.modify", uuid: uuidOf(1), changes: { offline: true } }).state.nodes[uuidOf(1)]!;
  t.true(node.offline);
  t.false(node.drained);
  const both = applyCommand(drained, { kind: "node.modify", uuid: uuidOf(1), changes: { offline: true, drained: true } });
  t.is(both.refusal?.code, "wrong_input");
});

test("a node that is offline, drained or not master-capable cannot be made a candidate", (t) => {
  for (const flags of [{ offline: true }, { drained: true }, { masterCapable: false }]) {
    const state = clusterState([clusterNode(1, flags)]);
    const outcome = applyCommand(state, { kind: "node.modify", uuid: uuidOf(1), changes: { masterCandidate: true } });
    t.is(outcome.refusal?.code, "wrong_state", JSON.stringify(flags));
    t.regex(outcome.refusal?.message ?? "", /node1 cannot be a master candidate/);
  }
  const online = applyCommand(clusterState([clusterNode(1, { offline: true })]), {
    kind: "node.modify",
    uuid: uuidOf(1),
    changes: { offline: false, masterCandidate: true },
  });
  t.is(online.refusal, null);
  t.true(online.state.nodes[uuidOf(1)]?.masterCandidate);
});

test("cluster.modify changes the candidate pool size", (t) => {
  const outcome = applyCommand(clusterState([clusterNode(1)]), { kind: "cluster.modify", changes: { candidatePoolSize: 3 } });
  t.is(outcome.state.cluster?.candidatePoolSize, 3);
});

test("an operator's demotion is remembered until the node is promoted again", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true })]);
  const demoted = applyCommand(state, { kind: "node.modify", uuid: uuidOf(1), changes: { masterCandidate: false }, byOperator: true }).state;
  t.true(demoted.nodes[uuidOf(1)]?.operatorDemoted);
  const drained = applyCommand(demoted, { kind: "node.modify", uuid: uuidOf(1), changes: { drained: true } }).state;
  t.true(drained.nodes[uuidOf(1)]?.operatorDemoted, "another change keeps it");
  const promoted = applyCommand(demoted, { kind: "node.modify", uuid: uuidOf(1), changes: { masterCandidate: true }, byOperator: true }).state;
  t.false(promoted.nodes[uuidOf(1)]?.operatorDemoted);
  const automatic = applyCommand(state, { kind: "node.modify", uuid: uuidOf(1), changes: { masterCandidate: false } }).state;
  t.false(automatic.nodes[uuidOf(1)]?.operatorDemoted, "the master's own demotion of a dead candidate is not the operator's");
});
