import test from "ava";
import { RaftNode } from "../../../src/consensus/raft.js";
import type { Message, NodeId } from "../../../src/consensus/types.js";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];

function data(cluster: Cluster, id: NodeId): unknown[] {
  return cluster.applied.get(id)!.flatMap((entry) => (entry.data === null ? [] : [entry.data]));
}

/** Ticks until the latest configuration entry is committed on the node. */
function settle(cluster: Cluster, id: NodeId): void {
  cluster.tickUntil(() => {
    const status = cluster.node(id).status();
    return status.commitIndex === status.lastIndex;
  });
}

test("added voters catch up and then count toward the quorum", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.propose(leader, "before");
  for (const id of ["n4", "n5"]) {
    cluster.join(id);
    t.truthy(cluster.proposeConfChange(leader, { type: "add-voter", node: id }));
    settle(cluster, leader);
  }
  cluster.tick(2);
  t.deepEqual(cluster.node("n5").status().voters, [...three, "n4", "n5"]);
  t.deepEqual(data(cluster, "n4"), ["before"]);

  // Only the leader is left of the original three: the two new voters make its majority.
  for (const id of three.filter((id) => id !== leader)) cluster.crash(id);
  cluster.propose(leader, "by the new majority");
  cluster.tick(2);
  t.deepEqual(data(cluster, "n5"), ["before", "by the new majority"]);

  cluster.crash("n5");
  cluster.propose(leader, "two of five");
  cluster.tick(2);
  t.false(data(cluster, leader).includes("two of five"));
});

test("a node uses the latest configuration in its log before it is committed (thesis §4.1)", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  cluster.intercept = (m: Message) => (m.type === "AppendEntriesResponse" ? null : m);
  cluster.proposeConfChange(leader, { type: "add-learner", node: "n4" });
  const follower = three.find((id) => id !== leader)!;
  const status = cluster.node(follower).status();
  t.true(status.commitIndex < status.lastIndex);
  t.deepEqual(status.learners, ["n4"]);
});

test("a second configuration change is refused while the first is uncommitted", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  cluster.partition([leader], three.filter((id) => id !== leader));
  t.truthy(cluster.proposeConfChange(leader, { type: "add-learner", node: "n4" }));
  t.is(cluster.proposeConfChange(leader, { type: "add-learner", node: "n5" }), null);
  cluster.heal();
  settle(cluster, leader);
  t.truthy(cluster.proposeConfChange(leader, { type: "add-learner", node: "n5" }));
});

test("changes that do not apply to the configuration are refused", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  t.is(cluster.proposeConfChange(leader, { type: "add-voter", node: "n2" }), null);
  t.is(cluster.proposeConfChange(leader, { type: "promote-learner", node: "n2" }), null);
  t.is(cluster.proposeConfChange(leader, { type: "remove-voter", node: "n9" }), null);
  t.is(cluster.proposeConfChange(leader, { type: "remove-learner", node: "n2" }), null);
  const follower = three.find((id) => id !== leader)!;
  t.is(cluster.proposeConfChange(follower, { type: "add-learner", node: "n4" }), null);
});

test("a removed follower no longer counts and does not disrupt the cluster", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  const [removed, kept] = three.filter((id) => id !== leader) as [NodeId, NodeId];
  const term = cluster.node(leader).status().term;
  cluster.proposeConfChange(leader, { type: "remove-voter", node: removed });
  settle(cluster, leader);
  cluster.tick(10 * electionTicks);
  t.deepEqual(cluster.leaders(), [leader]);
  t.is(cluster.node(leader).status().term, term);
  t.deepEqual(cluster.node(kept).status().voters, [leader, kept].sort());

  cluster.crash(removed);
  cluster.propose(leader, "two voters");
  cluster.tick(2);
  t.deepEqual(data(cluster, kept), ["two voters"]);
});

test("a leader that removes itself steps down once the change commits and the rest elect a leader (thesis §4.2.2)", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  const entry = cluster.proposeConfChange(leader, { type: "remove-voter", node: leader });
  t.truthy(entry);
  cluster.tick(1);
  t.not(cluster.node(leader).status().role, "leader");
  t.true(cluster.node(leader).status().commitIndex >= entry!.index);

  const next = cluster.elect();
  t.not(next, leader);
  cluster.propose(next, "after");
  cluster.tick(10 * electionTicks);
  t.deepEqual(cluster.leaders(), [next]);
  for (const id of three.filter((id) => id !== leader)) t.deepEqual(data(cluster, id), ["after"]);
});

test("a learner receives the log but does not count toward the quorum until it is promoted", (t) => {
  const cluster = new Cluster(["n1"]);
  cluster.elect();
  cluster.join("n2");
  cluster.proposeConfChange("n1", { type: "add-learner", node: "n2" });
  cluster.propose("n1", "replicated");
  cluster.tick(2);
  t.deepEqual(data(cluster, "n2"), ["replicated"]);

  cluster.crash("n2");
  cluster.propose("n1", "alone");
  cluster.tick(2);
  t.deepEqual(data(cluster, "n1"), ["replicated", "alone"], "one voter is a quorum; the learner is not counted");

  cluster.restart("n2");
  cluster.tick(2);
  t.truthy(cluster.proposeConfChange("n1", { type: "promote-learner", node: "n2" }));
  settle(cluster, "n1");
  t.deepEqual(cluster.node("n2").status().voters, ["n1", "n2"]);
  cluster.crash("n2");
  cluster.propose("n1", "needs n2");
  cluster.tick(2);
  t.false(data(cluster, "n1").includes("needs n2"), "the promoted learner now counts");
});

test("a learner never campaigns and cannot be handed leadership", (t) => {
  const learner = new RaftNode({
    id: "n4",
    voters: three,
    learners: ["n4"],
    electionTicks,
    heartbeatTicks: 2,
    randomInt: (min) => min,
  });
  learner.step({ type: "TimeoutNow", from: "n1", to: "n4", term: 2 });
  for (let i = 0; i < 5 * electionTicks; i++) learner.tick();
  t.is(learner.status().role, "follower");
  t.deepEqual(learner.ready().messages, []);

  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.join("n4");
  cluster.proposeConfChange(leader, { type: "add-learner", node: "n4" });
  cluster.tick(2);
  cluster.transferLeadership(leader, "n4");
  t.is(cluster.node(leader).status().transferee, null);
  t.deepEqual(cluster.leaders(), [leader]);
});

test("a learner promoted without knowing it yet votes for the candidate that counts on it", (t) => {
  const cluster = new Cluster(["n1", "n2"]);
  const leader = cluster.elect();
  const voter = leader === "n1" ? "n2" : "n1";
  cluster.join("n3");
  cluster.proposeConfChange(leader, { type: "add-learner", node: "n3" });
  settle(cluster, leader);
  // The promotion commits on the two voters without reaching n3.
  cluster.partition(["n3"], ["n1", "n2"]);
  cluster.proposeConfChange(leader, { type: "promote-learner", node: "n3" });
  settle(cluster, leader);
  cluster.tick(2);
  t.deepEqual(cluster.node(voter).status().voters, [leader, voter, "n3"].sort());
  t.deepEqual(cluster.node("n3").status().learners, ["n3"]);
  // Only voter and n3 are left: voter needs the vote of n3, which still believes it is a learner.
  cluster.crash(leader);
  cluster.heal();
  t.is(cluster.elect(), voter);
});

test("a leader with only learners left in reach steps down on CheckQuorum", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.join("n4");
  cluster.proposeConfChange(leader, { type: "add-learner", node: "n4" });
  settle(cluster, leader);
  for (const id of three.filter((id) => id !== leader)) cluster.crash(id);
  cluster.tick(2 * electionTicks);
  t.deepEqual(cluster.leaders(), []);
});

test("a new leader proposes no configuration change before an entry of its term has committed (thesis §4.1)", (t) => {
  const single = new RaftNode({ id: "n1", voters: ["n1"], electionTicks, heartbeatTicks: 2, randomInt: (min) => min });
  while (single.status().role !== "leader") single.tick();
  t.is(single.proposeConfChange({ type: "add-learner", node: "n2" }), null);
  single.ready();
  single.advance();
  t.truthy(single.proposeConfChange({ type: "add-learner", node: "n2" }));
});
