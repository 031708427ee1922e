import test from "ava";
import { formatClusterStatus } from "../../../../src/cli/cluster/status.js";
import { SAMPLE_CLUSTER_STATUS } from "../fake-cluster-control.js";

test("shows none for what a node outside any cluster cannot know, and formation progress while forming", (t) => {
  const lines = formatClusterStatus({
    ...SAMPLE_CLUSTER_STATUS,
    member: false,
    clusterName: null,
    clusterUuid: null,
    raftRole: null,
    term: null,
    commitIndex: null,
    master: null,
    voters: null,
    quorumContactAgeMs: null,
    formation: "waiting for 2 more nodes with the join token",
  });
  t.deepEqual(lines, [
    "Node: node2",
    "Cluster member: no",
    "Cluster: none",
    "Raft role: none",
    "Term: none",
    "Commit index: none",
    "Master node: none",
    "Voting nodes: none",
    "Holds master lease: no",
    "Quorum contact: none",
    "Self-fence due: no",
    "Formation: waiting for 2 more nodes with the join token",
  ]);
});

test("says when the master is due to fence itself", (t) => {
  const lines = formatClusterStatus({ ...SAMPLE_CLUSTER_STATUS, raftRole: "leader", holdsLease: true, selfFenceDue: true, quorumContactAgeMs: 9_870 });
  t.true(lines.includes("Holds master lease: yes"));
  t.true(lines.includes("Quorum contact: 9.9s ago"));
  t.true(lines.includes("Self-fence due: yes"));
});
