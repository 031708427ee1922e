import test from "ava";
import { RaftNode } from "../../../src/consensus/raft.js";
import type { Message, NodeId } from "../../../src/consensus/types.js";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];
const five = ["n1", "n2", "n3", "n4", "n5"];
/** RaftConfig.leaseMarginTicks's default. */
const margin = 2;

function holders(cluster: Cluster): NodeId[] {
  return cluster.ids.filter((id) => cluster.node(id).leaseHeld());
}

/** Ticks one at a time, failing at the first tick where two nodes hold the lease. */
function tickWithOneHolder(cluster: Cluster, ticks: number): boolean {
  for (let i = 0; i < ticks; i++) {
    cluster.tick();
    if (holders(cluster).length > 1) return false;
  }
  return true;
}

test("a leader holds the lease once a quorum has acknowledged it, and no follower does", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  t.deepEqual(holders(cluster), [leader]);
  t.is(cluster.node(leader).status().contactAge, 0);
});

test("a leader cut off from its followers loses the lease electionTicks - margin ticks after the last acknowledged message it sent", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(3);
  const ageAtPartition = cluster.node(leader).status().contactAge;
  cluster.partition([leader], three.filter((id) => id !== leader));
  const ticks = cluster.tickUntil(() => !cluster.node(leader).leaseHeld());
  t.is(ticks, electionTicks - margin - ageAtPartition);
  t.is(cluster.node(leader).status().role, "leader", "CheckQuorum has not deposed it yet");
  t.is(cluster.node(leader).status().contactAge, electionTicks - margin);
});

test("a late answer does not stretch the lease: it counts from when the leader sent what it answers (thesis §6.4.1)", (t) => {
  const leader = new RaftNode({ id: "n1", voters: three, electionTicks, heartbeatTicks: 2, randomInt: (min) => min });
  for (let i = 0; i < electionTicks; i++) leader.tick();
  leader.step({ type: "PreVoteResponse", from: "n2", to: "n1", term: 1, voteGranted: true });
  leader.step({ type: "RequestVoteResponse", from: "n2", to: "n1", term: 1, voteGranted: true });
  t.is(leader.status().role, "leader");
  const answer = (leaderTick: number): Message => ({
    type: "AppendEntriesResponse",
    from: "n2",
    to: "n1",
    term: 1,
    success: false,
    matchIndex: 0,
    rejectedIndex: 0,
    conflictTerm: null,
    conflictIndex: 0,
    leaderTick,
  });
  // n2 answers at once what the leader sent at its election, at tick 10.
  leader.step(answer(electionTicks));
  t.true(leader.leaseHeld());
  for (let i = 0; i < electionTicks - margin; i++) leader.tick();
  t.false(leader.leaseHeld());
  // At tick 18 the answer to the heartbeat of tick 12 arrives: the lease lasts until tick 20, not 26.
  leader.step(answer(electionTicks + 2));
  t.true(leader.leaseHeld());
  leader.tick();
  leader.tick();
  t.false(leader.leaseHeld());
});

test("a leader that lost the lease regains it when a quorum hears from it again", (t) => {
  const cluster = new Cluster(five);
  const leader = cluster.elect();
  const cutOff = five.filter((id) => id !== leader).slice(0, 3);
  cluster.partition(cutOff, five.filter((id) => !cutOff.includes(id)));
  cluster.tickUntil(() => !cluster.node(leader).leaseHeld());
  cluster.heal();
  cluster.tickUntil(() => cluster.node(leader).leaseHeld(), 3);
  t.deepEqual(holders(cluster), [leader]);
  t.true(cluster.node(leader).status().contactAge < 2);
});

for (const ids of [three, five]) {
  test(`two nodes never hold the lease at once while the majority of ${ids.length} elects a new leader`, (t) => {
    const cluster = new Cluster(ids);
    const old = cluster.elect();
    cluster.tick(2);
    const minority = [old, ...ids.filter((id) => id !== old).slice(0, (ids.length - 1) / 2 - 1)];
    const majority = ids.filter((id) => !minority.includes(id));
    cluster.partition(minority, majority);
    t.true(tickWithOneHolder(cluster, 4 * electionTicks), `two holders: ${holders(cluster).join(", ")}`);
    const [next] = holders(cluster);
    t.true(next !== undefined && majority.includes(next));
    t.true(cluster.node(old).status().term < cluster.node(next!).status().term);
  });
}

test("a node restarted in a term refuses votes for its first election timeout: it may have acknowledged a lease just before crashing", (t) => {
  const restarted = new RaftNode({
    id: "n1",
    voters: three,
    electionTicks,
    heartbeatTicks: 2,
    randomInt: (_min, max) => max - 1,
    restored: { hardState: { term: 3, votedFor: "n2", commit: 0 }, entries: [] },
  });
  const request: Message = { type: "RequestVote", from: "n3", to: "n1", term: 4, lastLogIndex: 0, lastLogTerm: 0 };
  for (let i = 0; i < electionTicks - 1; i++) restarted.tick();
  restarted.step(request);
  t.deepEqual(restarted.ready().messages, []);
  restarted.advance();
  restarted.tick();
  restarted.step(request);
  t.deepEqual(
    restarted.ready().messages.map((m) => m.type === "RequestVoteResponse" && m.voteGranted),
    [true],
  );
});

test("a follower that learns a higher term from a stale answer still refuses votes while it has heard from a leader (thesis §4.2.3)", (t) => {
  const node = new RaftNode({ id: "n1", voters: three, electionTicks, heartbeatTicks: 2, randomInt: (_min, max) => max - 1 });
  for (let i = 0; i <= electionTicks; i++) node.tick();
  const heartbeat: Message = {
    type: "AppendEntries",
    from: "n2",
    to: "n1",
    term: 2,
    prevLogIndex: 0,
    prevLogTerm: 0,
    entries: [],
    leaderCommit: 0,
    leaderTick: 7,
  };
  node.step(heartbeat);
  node.step({ type: "PreVoteResponse", from: "n3", to: "n1", term: 5, voteGranted: false });
  t.is(node.status().term, 5);
  node.step({ type: "RequestVote", from: "n3", to: "n1", term: 5, lastLogIndex: 0, lastLogTerm: 0 });
  const answers = node.ready().messages.filter((m) => m.type === "RequestVoteResponse");
  t.deepEqual(
    answers.map((m) => m.type === "RequestVoteResponse" && m.voteGranted),
    [false],
  );
});

test("a read index is refused until the new leader's no-op has committed, then is its commit index (§8, thesis §6.4)", (t) => {
  const cluster = new Cluster(three);
  // Followers answer, so the leader holds the lease, but with answers that match nothing of its log.
  cluster.intercept = (m) => (m.type === "AppendEntriesResponse" && m.success ? { ...m, success: false, rejectedIndex: 0 } : m);
  const leader = cluster.elect();
  cluster.tick(2);
  t.true(cluster.node(leader).leaseHeld());
  t.is(cluster.node(leader).readIndex(), null);
  cluster.intercept = undefined;
  cluster.tick(2);
  const { commitIndex, lastIndex } = cluster.node(leader).status();
  t.is(commitIndex, lastIndex);
  t.is(cluster.node(leader).readIndex(), commitIndex);
  for (const id of three.filter((id) => id !== leader)) t.is(cluster.node(id).readIndex(), null);
});

test("a leader that has sent TimeoutNow holds no lease; if the transfer is abandoned it steps down so an election restores a leased master", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  cluster.intercept = (m) => (m.type === "TimeoutNow" ? null : m);
  cluster.transferLeadership(leader, three.find((id) => id !== leader)!);
  t.false(cluster.node(leader).leaseHeld());
  cluster.tickUntil(() => cluster.node(leader).status().role !== "leader", electionTicks + 1);
  t.is(cluster.node(leader).status().transferee, null);
  cluster.intercept = undefined;
  cluster.tickUntil(() => holders(cluster).length === 1, 5 * electionTicks);
  t.is(holders(cluster).length, 1);
});

test("without CheckQuorum followers do not refuse votes, so only a single voter holds the lease", (t) => {
  const cluster = new Cluster(three, { config: { checkQuorum: false } });
  cluster.elect();
  cluster.tick(2);
  t.deepEqual(holders(cluster), []);
  const single = new Cluster(["n1"], { config: { checkQuorum: false } });
  single.elect();
  t.deepEqual(holders(single), ["n1"]);
  t.is(single.node("n1").readIndex(), single.node("n1").status().commitIndex);
});

test("an isolated follower's contact age grows tick by tick and resets on the leader's next heartbeat", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  const follower = three.find((id) => id !== leader)!;
  cluster.partition([follower], three.filter((id) => id !== follower));
  const before = cluster.node(follower).status().contactAge;
  cluster.tick(5);
  t.is(cluster.node(follower).status().contactAge, before + 5);
  cluster.heal();
  cluster.tickUntil(() => cluster.node(follower).status().contactAge === 0, 2);
  t.is(cluster.node(follower).status().leaderId, leader);
});

test("a node that never heard from a leader counts its contact age from its start", (t) => {
  const node = new RaftNode({ id: "n1", voters: three, electionTicks, heartbeatTicks: 2, randomInt: (_min, max) => max - 1 });
  for (let i = 0; i < 7; i++) node.tick();
  t.is(node.status().contactAge, 7);
});
