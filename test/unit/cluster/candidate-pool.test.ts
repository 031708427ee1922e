import test from "ava";
import { nextPoolAction, type PoolView } from "../../../src/cluster/candidate-pool.js";
import type { Liveness } from "../../../src/model/node.js";
import { clusterNode, clusterState, uuidOf } from "./fixtures.js";

function view(overrides: Partial<PoolView> & Pick<PoolView, "state" | "raft">, dead: number[] = [], behind: number[] = []): PoolView {
  return {
    leader: uuidOf(1),
    liveness: (uuid): Liveness => (dead.map(uuidOf).includes(uuid) ? "dead" : "alive"),
    caughtUp: (uuid) => !behind.map(uuidOf).includes(uuid),
    ...overrides,
  };
}

test("a node in the state but not in Raft's configuration is added as a learner first", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2)]);
  const action = nextPoolAction(view({ state, raft: { voters: [uuidOf(1)], learners: [] } }));
  t.deepEqual(action && action.kind === "conf" ? action.change : null, { type: "add-learner", node: uuidOf(2) });
});

test("a short pool promotes a live, eligible node, by name", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(3), clusterNode(2, { drained: true })], 2);
  const action = nextPoolAction(view({ state, raft: { voters: [uuidOf(1)], learners: [uuidOf(2), uuidOf(3)] } }));
  t.deepEqual(action?.kind === "command" ? action.command : null, { kind: "node.modify", uuid: uuidOf(3), changes: { masterCandidate: true } });
});

test("a candidate that is a learner is promoted to voter once it is alive", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2, { masterCandidate: true })]);
  const raft = { voters: [uuidOf(1)], learners: [uuidOf(2)] };
  const action = nextPoolAction(view({ state, raft }));
  t.deepEqual(action?.kind === "conf" ? action.change : null, { type: "promote-learner", node: uuidOf(2) });
  t.is(nextPoolAction(view({ state, raft }, [2])), null, "a dead learner is not given a vote");
  t.is(nextPoolAction(view({ state, raft }, [], [2])), null, "nor one that has not caught up");
});

test("a voter that is no longer a candidate, or no longer a member, stops voting; the master never removes itself", (t) => {
  const state = clusterState([clusterNode(1), clusterNode(2, { masterCandidate: true }), clusterNode(3, { drained: true })], 1);
  const action = nextPoolAction(view({ state, raft: { voters: [uuidOf(1), uuidOf(2), uuidOf(3)], learners: [] } }));
  t.deepEqual(action?.kind === "conf" ? action.change : null, { type: "remove-voter", node: uuidOf(3) });
  const gone = clusterState([clusterNode(1, { masterCandidate: true })]);
  const removal = nextPoolAction(view({ state: gone, raft: { voters: [uuidOf(1)], learners: [uuidOf(4)] } }));
  t.deepEqual(removal?.kind === "conf" ? removal.change : null, { type: "remove-learner", node: uuidOf(4) });
});

test("a dead candidate is demoted when a live node can take its place, and kept when none can", (t) => {
  const nodes = [clusterNode(1, { masterCandidate: true }), clusterNode(2, { masterCandidate: true }), clusterNode(3, { masterCandidate: true }), clusterNode(4)];
  const raft = { voters: [uuidOf(1), uuidOf(2), uuidOf(3)], learners: [uuidOf(4)] };
  const action = nextPoolAction(view({ state: clusterState(nodes, 3), raft }, [2]));
  t.deepEqual(action?.kind === "command" ? action.command : null, { kind: "node.modify", uuid: uuidOf(2), changes: { masterCandidate: false } });
  t.regex(action?.reason ?? "", /node2 is dead.*node4/);
  t.is(nextPoolAction(view({ state: clusterState(nodes, 3), raft }, [2, 4])), null);
});

test("nothing to do when Raft matches the state and the pool is full", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2, { masterCandidate: true }), clusterNode(3)], 2);
  t.is(nextPoolAction(view({ state, raft: { voters: [uuidOf(1), uuidOf(2)], learners: [uuidOf(3)] } })), null);
});

test("a node the operator demoted is not promoted again to fill the pool", (t) => {
  const state = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2, { operatorDemoted: true }), clusterNode(3)], 3);
  const action = nextPoolAction(view({ state, raft: { voters: [uuidOf(1)], learners: [uuidOf(2), uuidOf(3)] } }));
  t.deepEqual(action?.kind === "command" ? action.command : null, { kind: "node.modify", uuid: uuidOf(3), changes: { masterCandidate: true } });
  const onlyDemoted = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2, { operatorDemoted: true })], 3);
  t.is(nextPoolAction(view({ state: onlyDemoted, raft: { voters: [uuidOf(1)], learners: [uuidOf(2)] } })), null);
});
