import test from "ava";
import type { AppendEntriesResponse, Entry, HardState, Message } from "../../../src/consensus/types.js";
import { Cluster, electionTicks } from "./cluster.js";

const three = ["n1", "n2", "n3"];
const five = ["n1", "n2", "n3", "n4", "n5"];

/** A log whose entry i + 1 has terms[i]. */
function log(terms: number[]): Entry[] {
  return terms.map((term, i) => ({ term, index: i + 1, data: `${term}/${i + 1}` }));
}

function state(term: number, terms: number[], votedFor: string | null = null, commit = 1): { hardState: HardState; entries: Entry[] } {
  return { hardState: { term, votedFor, commit }, entries: log(terms) };
}

function appliedData(cluster: Cluster, id: string): unknown[] {
  return cluster.applied.get(id)!.map((entry) => entry.data).filter((data) => data !== null);
}

test("a proposal is replicated to every node and applied once committed", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  t.truthy(cluster.propose(leader, "x"));
  t.truthy(cluster.propose(leader, "y"));
  cluster.tick(2);
  for (const id of three) t.deepEqual(appliedData(cluster, id), ["x", "y"]);
});

test("a follower refuses proposals, so the driver can forward them to the leader", (t) => {
  const cluster = new Cluster(three);
  const leader = cluster.elect();
  const follower = three.find((id) => id !== leader)!;
  t.is(cluster.propose(follower, "x"), null);
});

test("a proposal commits on a majority but not on a minority", (t) => {
  const cluster = new Cluster(five);
  const leader = cluster.elect();
  const others = five.filter((id) => id !== leader);
  cluster.partition([leader, others[0]!, others[1]!], [others[2]!, others[3]!]);
  cluster.propose(leader, "majority");
  cluster.tick(2);
  t.deepEqual(appliedData(cluster, leader), ["majority"]);
  t.deepEqual(appliedData(cluster, others[0]!), ["majority"]);
  t.deepEqual(appliedData(cluster, others[3]!), []);

  cluster.heal();
  cluster.partition([leader, others[0]!], [others[1]!, others[2]!, others[3]!]);
  const commitBefore = cluster.node(leader).status().commitIndex;
  cluster.propose(leader, "minority");
  cluster.tick(electionTicks - 1);
  t.is(cluster.node(leader).status().commitIndex, commitBefore);
  for (const id of five) t.false(appliedData(cluster, id).includes("minority"));
});

test("a follower with a divergent log is repaired to the leader's log, one round trip per conflicting term", (t) => {
  // Figure 7: n1 and n2 hold the leader's log, n3 is follower (f), with extra entries from terms 2 and 3.
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const cluster = new Cluster(three, {
    restored: {
      n1: state(6, leaderLog),
      n2: state(6, leaderLog),
      n3: state(3, [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
    },
  });
  const leader = cluster.elect();
  t.not(leader, "n3"); // §5.4.1: n3's log is less up-to-date than a majority's
  cluster.tick(2);
  t.deepEqual(cluster.disk("n3").entries, cluster.disk(leader).entries);
  const rejections = cluster.delivered.filter(
    (m): m is AppendEntriesResponse => m.type === "AppendEntriesResponse" && m.from === "n3" && !m.success,
  );
  t.true(rejections.length <= 2, `${rejections.length} rejections`);
  t.is(cluster.node("n3").status().commitIndex, leaderLog.length + 1);
});

test("an entry from an earlier term is not committed by counting replicas alone (Figure 8)", (t) => {
  // Figure 8 (b): n1 led term 2 and stored (2, term 2) on n2; n5 led term 3 and stored (2, term 3) alone.
  const cluster = new Cluster(five, {
    restored: {
      n1: state(2, [1, 2], "n1"),
      n2: state(2, [1, 2], "n1"),
      n3: state(3, [1], "n5"),
      n4: state(3, [1], "n5"),
      n5: state(3, [1, 3], "n5"),
    },
  });
  // (c): n5 is down; n1 wins term 4 with n3 and n4 while n2 is cut off. n1 gets (2, term 2)
  // onto n2 and n3, but its own term-4 entries reach no one, and n4 hears nothing from it.
  cluster.intercept = (m: Message): Message | null => {
    if (m.type !== "AppendEntries") return m;
    if (m.to === "n4") return null;
    return { ...m, entries: m.entries.filter((entry) => entry.term !== 4) };
  };
  cluster.crash("n5");
  cluster.partition(["n2"], ["n1", "n3", "n4"]);
  t.is(cluster.elect(), "n1");
  t.is(cluster.node("n1").status().term, 4);
  cluster.heal();
  cluster.tick(4);
  for (const id of ["n1", "n2", "n3"]) t.is(cluster.disk(id).entries[1]?.term, 2);
  t.is(cluster.node("n1").status().commitIndex, 1, "§5.4.2: a majority of replicas of a term-2 entry is not enough");

  // (d): n1 crashes; n5 wins term 5 with n3 and n4 and overwrites index 2, which is why (c) must not commit.
  cluster.crash("n1");
  cluster.intercept = undefined;
  cluster.partition(["n2"], ["n3", "n4", "n5"]);
  cluster.restart("n5");
  cluster.tickUntil(() => cluster.leaders().length === 1);
  t.deepEqual(cluster.leaders(), ["n5"]);
  cluster.heal();
  cluster.restart("n1");
  cluster.tick(2 * electionTicks);
  for (const id of five) {
    t.is(cluster.disk(id).entries[1]?.term, 3, id);
    t.deepEqual(cluster.disk(id).entries, cluster.disk("n5").entries, id);
  }
  t.is(cluster.applied.get("n1")![1]?.term, 3);
});
