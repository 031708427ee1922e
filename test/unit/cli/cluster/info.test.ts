import test from "ava";
import { formatClusterInfo } from "../../../../src/cli/cluster/info.js";
import { SAMPLE_CLUSTER_INFO } from "../fake-cluster-control.js";

test("says the cluster IP goes on the management address's device when no master netdev is set", (t) => {
  const lines = formatClusterInfo({ ...SAMPLE_CLUSTER_INFO, masterNetdev: null });
  t.true(lines.includes("  master netdev: the management address's device"));
});

test("shows the creation time in UTC to the second", (t) => {
  const lines = formatClusterInfo({ ...SAMPLE_CLUSTER_INFO, createdAt: Date.UTC(2030, 0, 2, 3, 4, 5, 999) });
  t.true(lines.includes("Creation time: 2030-01-02T03:04:05Z"));
});
