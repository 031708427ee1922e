import test from "ava";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];

test("leadership moves to the named follower at once through TimeoutNow", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  const term = cluster.node(leader).status().term;
  const target = three.find((id) => id !== leader)!;
  cluster.transferLeadership(leader, target);
  t.deepEqual(cluster.leaders(), [target]);
  t.is(cluster.node(target).status().term, term + 1);
  t.is(cluster.node(leader).status().leaderId, target);
});

test("a transfer to a lagging follower first brings its log up to date", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  const target = three.find((id) => id !== leader)!;
  cluster.partition([target], three.filter((id) => id !== target));
  cluster.propose(leader, "while away");
  cluster.heal();
  cluster.transferLeadership(leader, target);
  t.deepEqual(cluster.leaders(), [target]);
  cluster.tick(2);
  t.true(cluster.applied.get(target)!.some((entry) => entry.data === "while away"));
});

test("proposals are refused during a transfer, which is abandoned after an election timeout", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  const target = three.find((id) => id !== leader)!;
  cluster.partition([target], three.filter((id) => id !== target));
  cluster.propose(leader, "x");
  cluster.transferLeadership(leader, target);
  t.is(cluster.node(leader).status().transferee, target);
  t.is(cluster.propose(leader, "refused"), null);
  cluster.tick(electionTicks);
  t.is(cluster.node(leader).status().transferee, null);
  t.deepEqual(cluster.leaders(), [leader]);
  t.truthy(cluster.propose(leader, "accepted"));
});
