import test from "ava";
import { RaftNode } from "../../../src/consensus/raft.js";
import type { NodeId } from "../../../src/consensus/types.js";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];

function data(cluster: Cluster, id: NodeId): unknown[] {
  return cluster.applied.get(id)!.flatMap((entry) => (entry.data === null ? [] : [entry.data]));
}

function installs(cluster: Cluster, to: NodeId): number {
  return cluster.delivered.filter((m) => m.type === "InstallSnapshot" && m.to === to).length;
}

test("a follower that needs entries the leader compacted away is brought up to date by a snapshot (§7)", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  const lagging = three.find((id) => id !== leader)!;
  cluster.crash(lagging);
  for (const item of ["a", "b", "c"]) cluster.propose(leader, item);
  cluster.tick(2);
  cluster.compact(leader);
  const snapshotIndex = cluster.node(leader).status().snapshotIndex;
  t.is(snapshotIndex, cluster.node(leader).status().lastIndex);
  cluster.propose(leader, "d");

  cluster.restart(lagging);
  cluster.tick(2 * electionTicks);
  t.is(installs(cluster, lagging), 1);
  t.deepEqual(data(cluster, lagging), ["a", "b", "c", "d"]);
  t.is(cluster.disk(lagging).snapshot?.index, snapshotIndex);
  t.deepEqual(
    cluster.disk(lagging).entries.map((entry) => entry.data),
    ["d"],
  );
  t.is(cluster.node(lagging).status().snapshotIndex, snapshotIndex);
});

test("a follower whose divergent log conflicts with the snapshot discards it and the driver truncates it", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.tick(2);
  // The old leader, cut off, appends entries no one else will have.
  cluster.partition([leader], three.filter((id) => id !== leader));
  for (let i = 1; i <= 8; i++) cluster.propose(leader, `lost ${i}`);
  cluster.crash(leader);
  cluster.heal();
  const next = cluster.elect();
  for (const item of ["x", "y", "z", "w"]) cluster.propose(next, item);
  cluster.tick(2);
  cluster.compact(next);
  t.true(cluster.disk(leader).entries.length > cluster.disk(next).snapshot!.index, "the lost entries reach past the snapshot");
  cluster.restart(leader);
  cluster.tick(2 * electionTicks);
  t.is(installs(cluster, leader), 1);
  t.deepEqual(data(cluster, leader), ["x", "y", "z", "w"]);
  t.deepEqual(cluster.disk(leader).entries, cluster.disk(next).entries);
  t.is(cluster.disk(leader).snapshot?.index, cluster.disk(next).snapshot?.index);
});

test("a cluster restarted from persisted snapshots and later entries keeps every committed entry and keeps working", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  for (const item of ["a", "b"]) cluster.propose(leader, item);
  cluster.tick(2);
  for (const id of three) cluster.compact(id);
  cluster.propose(leader, "c");
  cluster.tick(2);
  for (const id of three) cluster.crash(id);
  for (const id of three) cluster.restart(id, true);
  for (const id of three) t.deepEqual(data(cluster, id), ["a", "b"], "loaded from the snapshot");
  cluster.tick(1);
  for (const id of three) t.deepEqual(data(cluster, id), ["a", "b", "c"], "the committed rest re-applied from the log");
  const next = cluster.elect();
  cluster.propose(next, "d");
  cluster.tick(2);
  for (const id of three) t.deepEqual(data(cluster, id), ["a", "b", "c", "d"]);
  t.is(installs(cluster, "n1") + installs(cluster, "n2") + installs(cluster, "n3"), 0);
});

test("after compaction followers still pass the consistency check on the snapshot's last index and term", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.propose(leader, "a");
  cluster.tick(2);
  for (const id of three) cluster.compact(id);
  cluster.propose(leader, "b");
  cluster.tick(2);
  for (const id of three) t.deepEqual(data(cluster, id), ["a", "b"]);
  t.is(installs(cluster, "n1") + installs(cluster, "n2") + installs(cluster, "n3"), 0);
});

test("the snapshot carries the configuration at its index, so a server joining later learns it", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  cluster.proposeConfChange(leader, { type: "add-learner", node: "n4" });
  cluster.propose(leader, "a");
  cluster.tick(2);
  cluster.compact(leader);
  t.deepEqual(cluster.disk(leader).snapshot?.voters, three);
  t.deepEqual(cluster.disk(leader).snapshot?.learners, ["n4"]);

  cluster.join("n4");
  cluster.tick(2 * electionTicks);
  t.is(installs(cluster, "n4"), 1);
  t.deepEqual(data(cluster, "n4"), ["a"]);
  t.deepEqual(cluster.node("n4").status().learners, ["n4"]);
  t.truthy(cluster.proposeConfChange(leader, { type: "promote-learner", node: "n4" }));
  cluster.tick(2);
  t.deepEqual(cluster.node("n4").status().voters, [...three, "n4"]);
});

test("the driver may not compact past what it has applied", (t) => {
  const node = new RaftNode({ id: "n1", voters: ["n1"], electionTicks, heartbeatTicks: 2, randomInt: (min) => min });
  t.throws(() => node.compact(1, null), { message: /only 0 applied/ });
});
