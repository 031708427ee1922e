import test from "ava";
import { Cluster, electionTicks, seededRandom } from "./cluster.js";

const five = ["n1", "n2", "n3", "n4", "n5"];

// The cluster harness also throws if two nodes apply different entries at one index (§5.4.3).
test("across seeds with lost messages, shifting partitions and proposals, no term has two leaders and applied logs agree", (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const cluster = new Cluster(five, { seed, lossRate: 0.1 });
    const random = seededRandom(seed * 7919);
    for (let round = 0; round < 12; round++) {
      cluster.heal();
      const cut = five.filter(() => random() < 0.4);
      cluster.partition(cut, five.filter((id) => !cut.includes(id)));
      for (let step = 0; step < 3 * electionTicks; step++) {
        for (const leader of cluster.leaders()) cluster.propose(leader, `${seed}/${round}/${step}`);
        cluster.tick();
      }
    }
    t.deepEqual(cluster.termsWithTwoLeaders(), [], `seed ${seed}`);
    cluster.heal();
    const leader = cluster.elect();
    cluster.propose(leader, "final");
    cluster.tick(2 * electionTicks);
    const expected = cluster.applied.get(leader)!.map((entry) => [entry.index, entry.term]);
    t.true(expected.length > 1, `seed ${seed}`);
    for (const id of five) t.deepEqual(cluster.applied.get(id)!.map((entry) => [entry.index, entry.term]), expected, `seed ${seed}`);
  }
});

test("across seeds with crashes, compaction and membership changes as well, no term has two leaders and applied logs agree", (t) => {
  for (let seed = 1; seed <= 25; seed++) {
    const cluster = new Cluster(five, { seed, lossRate: 0.1 });
    const random = seededRandom(seed * 104729);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
    const crashed = new Set<string>();
    for (let round = 0; round < 12; round++) {
      cluster.heal();
      for (const id of crashed) cluster.restart(id, true);
      crashed.clear();
      const cut = five.filter(() => random() < 0.3);
      cluster.partition(cut, five.filter((id) => !cut.includes(id)));
      for (let step = 0; step < 3 * electionTicks; step++) {
        for (const leader of cluster.leaders()) {
          cluster.propose(leader, `${seed}/${round}/${step}`);
          const { voters, learners } = cluster.node(leader).status();
          const outside = five.filter((id) => !voters.includes(id) && !learners.includes(id));
          const r = random();
          if (r < 0.03 && voters.length > 3) cluster.proposeConfChange(leader, { type: "remove-voter", node: pick(voters)! });
          else if (r < 0.06 && outside.length > 0) cluster.proposeConfChange(leader, { type: "add-learner", node: pick(outside)! });
          else if (r < 0.09 && learners.length > 0) cluster.proposeConfChange(leader, { type: "promote-learner", node: pick(learners)! });
        }
        const id = pick(five)!;
        if (random() < 0.05 && !crashed.has(id)) cluster.compact(id);
        if (random() < 0.02 && crashed.size < 1) {
          cluster.crash(id);
          crashed.add(id);
        }
        cluster.tick();
      }
    }
    t.deepEqual(cluster.termsWithTwoLeaders(), [], `seed ${seed}`);
    cluster.heal();
    for (const id of crashed) cluster.restart(id, true);
    cluster.elect();
    // A leader elected while removing itself steps down once the removal commits (thesis §4.2.2).
    cluster.tick(2 * electionTicks);
    const leader = cluster.elect();
    cluster.propose(leader, "final");
    cluster.tick(4 * electionTicks);
    const { voters, learners } = cluster.node(leader).status();
    const expected = cluster.applied.get(leader)!.map((entry) => [entry.index, entry.term]);
    t.true(expected.length > 1, `seed ${seed}`);
    for (const id of [...voters, ...learners]) {
      t.deepEqual(cluster.applied.get(id)!.map((entry) => [entry.index, entry.term]), expected, `seed ${seed} ${id}`);
    }
  }
});
