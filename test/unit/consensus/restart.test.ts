import test from "ava";
import { RaftNode } from "../../../src/consensus/raft.js";
import type { Message, PersistentState, Ready } from "../../../src/consensus/types.js";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];

test("a node rebuilt from its persisted state alone keeps its term, vote and log", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  for (const data of ["a", "b", "c"]) cluster.propose(leader, data);
  cluster.tick(2);
  const follower = three.find((id) => id !== leader)!;
  const before = cluster.node(follower).status();
  const entriesBefore = [...cluster.disk(follower).entries];

  cluster.crash(follower);
  cluster.restart(follower);
  const after = cluster.node(follower).status();
  t.is(after.term, before.term);
  t.is(after.votedFor, before.votedFor);
  t.is(after.lastIndex, before.lastIndex);
  t.is(after.commitIndex, before.commitIndex);
  t.deepEqual(cluster.disk(follower).entries, entriesBefore);

  cluster.propose(leader, "d");
  cluster.tick(2);
  t.deepEqual(
    cluster.applied.get(follower)!.map((entry) => entry.data).filter((data) => data !== null),
    ["a", "b", "c", "d"],
  );
});

test("a whole cluster restarted from its disks elects a leader that keeps every committed entry", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.propose(leader, "a");
  cluster.tick(2);
  for (const id of three) cluster.crash(id);
  for (const id of three) cluster.restart(id);
  const newLeader = cluster.elect();
  cluster.propose(newLeader, "b");
  cluster.tick(2);
  for (const id of three) {
    t.deepEqual(
      cluster.applied.get(id)!.map((entry) => entry.data).filter((data) => data !== null),
      ["a", "b"],
    );
  }
});

/** The driver's persist step for a single node, as a restart would find it. */
function persist(disk: PersistentState, ready: Ready): PersistentState {
  const entries = ready.persist.truncateFrom === undefined ? [...disk.entries] : disk.entries.slice(0, ready.persist.truncateFrom - 1);
  return { hardState: ready.persist.hardState ?? disk.hardState, entries: [...entries, ...ready.persist.entries] };
}

function node(restored?: PersistentState): RaftNode {
  return new RaftNode({
    id: "n1",
    voters: three,
    electionTicks,
    heartbeatTicks: 2,
    randomInt: (min) => min,
    // Without CheckQuorum's lease a restarted node answers votes at once (see lease.test.ts).
    checkQuorum: false,
    ...(restored === undefined ? {} : { restored }),
  });
}

test("a node that voted and restarted does not vote for another candidate in the same term (§5.2)", (t) => {
  const first = node();
  first.step({ type: "RequestVote", from: "n2", to: "n1", term: 5, lastLogIndex: 0, lastLogTerm: 0 });
  const ready = first.ready();
  t.deepEqual(ready.persist.hardState, { term: 5, votedFor: "n2", commit: 0 });
  const disk = persist({ hardState: { term: 0, votedFor: null, commit: 0 }, entries: [] }, ready);

  const restarted = node(disk);
  restarted.step({ type: "RequestVote", from: "n3", to: "n1", term: 5, lastLogIndex: 0, lastLogTerm: 0 });
  const answers = restarted.ready().messages as Message[];
  t.deepEqual(
    answers.map((m) => [m.type, m.to, m.type === "RequestVoteResponse" && m.voteGranted]),
    [["RequestVoteResponse", "n3", false]],
  );
});

test("a leader counts its own entry toward commit only once the driver has persisted it", (t) => {
  const single = new RaftNode({ id: "n1", voters: ["n1"], electionTicks, heartbeatTicks: 2, randomInt: (min) => min });
  single.tick();
  for (let i = 0; i < 2 * electionTicks && single.status().role !== "leader"; i++) single.tick();
  t.is(single.status().role, "leader");
  const first = single.ready();
  t.deepEqual(first.committed, []);
  t.deepEqual(
    first.persist.entries.map((entry) => entry.index),
    [1],
  );
  single.advance();
  t.deepEqual(
    single.ready().committed.map((entry) => entry.index),
    [1],
  );
  single.advance();
  single.propose("x");
  t.deepEqual(single.ready().committed, []);
  single.advance();
  t.deepEqual(
    single.ready().committed.map((entry) => entry.data),
    ["x"],
  );
});

test("ready() refuses to run twice without advance(), so no work is handed out twice", (t) => {
  const single = node();
  single.ready();
  t.throws(() => single.ready(), { message: /before advance/ });
});
