import test from "ava";
import { RaftNode } from "../../../src/consensus/raft.js";
import type { Message, VoteResponse } from "../../../src/consensus/types.js";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];
const five = ["n1", "n2", "n3", "n4", "n5"];

for (const ids of [three, five]) {
  test(`a ${ids.length}-node cluster elects one leader that every node follows`, (t) => {
    const cluster = new Cluster(ids);
    const leader = cluster.elect();
    cluster.tick(electionTicks);
    t.deepEqual(cluster.leaders(), [leader]);
    const term = cluster.node(leader).status().term;
    for (const id of ids) {
      t.is(cluster.node(id).status().leaderId, leader);
      t.is(cluster.node(id).status().term, term);
    }
  });
}

/** A five-node cluster with an elected leader, two followers cut off from it for ten election timeouts. */
function minorityCutOffForTenTimeouts() {
  const cluster = new Cluster(five);
  const leader = cluster.elect();
  const term = cluster.node(leader).status().term;
  const minority = five.filter((id) => id !== leader).slice(0, 2);
  cluster.partition(minority, five.filter((id) => !minority.includes(id)));
  cluster.tick(10 * electionTicks);
  return { cluster, leader, term, minority };
}

test("a partitioned minority elects no leader and, thanks to PreVote, does not raise its term", (t) => {
  const { cluster, leader, term, minority } = minorityCutOffForTenTimeouts();
  for (const id of minority) {
    t.not(cluster.node(id).status().role, "leader");
    t.is(cluster.node(id).status().term, term);
  }
  t.deepEqual(cluster.leaders(), [leader]);
});

test("a minority rejoining after a partition does not disrupt the leader", (t) => {
  const { cluster, leader, term, minority } = minorityCutOffForTenTimeouts();
  cluster.heal();
  cluster.tick(5 * electionTicks);
  t.deepEqual(cluster.leaders(), [leader]);
  t.is(cluster.node(leader).status().term, term);
  for (const id of minority) t.is(cluster.node(id).status().leaderId, leader);
});

test("without PreVote an isolated follower raises its term, and on rejoining deposes the leader", (t) => {
  const cluster = new Cluster(three, { config: { preVote: false } });
  const leader = cluster.elect();
  const term = cluster.node(leader).status().term;
  const isolated = three.find((id) => id !== leader)!;
  cluster.partition([isolated], three.filter((id) => id !== isolated));
  cluster.tick(5 * electionTicks);
  t.true(cluster.node(isolated).status().term > term + 1);
  cluster.heal();
  cluster.tick(2 * electionTicks);
  t.true(cluster.node(leader).status().term > term);
});

test("CheckQuorum makes a leader cut off from the majority step down within two election timeouts", (t) => {
  const cluster = new Cluster(five);
  const leader = cluster.elect();
  cluster.partition([leader], five.filter((id) => id !== leader));
  const ticks = cluster.tickUntil(() => cluster.node(leader).status().role !== "leader", 2 * electionTicks);
  t.true(ticks <= 2 * electionTicks);
  const newLeader = cluster.elect();
  t.not(newLeader, leader);
  t.deepEqual(cluster.termsWithTwoLeaders(), []);
});

test("without CheckQuorum an isolated leader keeps believing it leads", (t) => {
  const cluster = new Cluster(three, { config: { checkQuorum: false } });
  const leader = cluster.elect();
  cluster.partition([leader], three.filter((id) => id !== leader));
  cluster.tick(10 * electionTicks);
  t.is(cluster.node(leader).status().role, "leader");
});

function voteAnswers(node: RaftNode): VoteResponse[] {
  const ready = node.ready();
  node.advance();
  return ready.messages.filter((m): m is VoteResponse => m.type === "RequestVoteResponse");
}

function requestVote(from: string, term: number, lastLogIndex: number, lastLogTerm: number): Message {
  return { type: "RequestVote", from, to: "n1", term, lastLogIndex, lastLogTerm };
}

test("a vote is refused to a candidate whose log is less up-to-date (§5.4.1)", (t) => {
  const node = new RaftNode({
    id: "n1",
    voters: five,
    electionTicks,
    heartbeatTicks: 2,
    randomInt: (min) => min,
    // Without CheckQuorum's lease a restarted node answers votes at once (see lease.test.ts).
    checkQuorum: false,
    restored: {
      hardState: { term: 2, votedFor: null, commit: 0 },
      entries: [
        { term: 1, index: 1, data: "a" },
        { term: 2, index: 2, data: "b" },
      ],
    },
  });
  node.step(requestVote("n2", 3, 5, 1)); // longer log, older last term
  node.step(requestVote("n3", 3, 1, 2)); // same last term, shorter log
  t.deepEqual(
    voteAnswers(node).map((m) => m.voteGranted),
    [false, false],
  );
  node.step(requestVote("n4", 3, 2, 2));
  t.deepEqual(
    voteAnswers(node).map((m) => [m.to, m.voteGranted]),
    [["n4", true]],
  );
  t.is(node.status().votedFor, "n4");
});
