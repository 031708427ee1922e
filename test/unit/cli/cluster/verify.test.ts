import test from "ava";
import { verificationFailure } from "../../../../src/cli/cluster/verify.js";
import { FakeJobQueue, type JobOutcome } from "../../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "../fake-cluster-control.js";
import { runCommand } from "../run-cli.js";

function verifying(outcome: JobOutcome): FakeJobQueue {
  return new FakeJobQueue({ script: () => outcome });
}

test("a cluster that passes prints the verification's log and exits 0", async (t) => {
  const jobs = verifying({ status: "success", log: ["* Verifying global settings", "* Verifying node status (3 nodes)"], results: [{ passed: true, problems: [] }] });
  const result = await runCommand("alkor-cluster", ["verify", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Tue Nov 24 14:00:02 2026 * Verifying global settings\nTue Nov 24 14:00:03 2026 * Verifying node status (3 nodes)\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_CLUSTER_VERIFY" }]);
});

test("a cluster with errors prints them in the log and exits 1, counting the problems", async (t) => {
  const problems = [
    { severity: "error", object: "node node3", message: "the node is dead." },
    { severity: "warning", object: "cluster", message: "2 master candidates where the pool wants 3." },
  ];
  const jobs = verifying({
    status: "success",
    log: ["* Verifying global settings", "- WARNING: cluster: 2 master candidates where the pool wants 3.", "* Verifying node status (3 nodes)", "- ERROR: node node3: the node is dead."],
    results: [{ passed: false, problems }],
  });
  const result = await runCommand("alkor-cluster", ["verify", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 1);
  t.true(result.stdout.endsWith("Tue Nov 24 14:00:05 2026 - ERROR: node node3: the node is dead.\n"));
  t.is(result.stderr, "Cluster verification failed: 1 error, 1 warning.\n");
});

test("warnings alone do not fail the verification", async (t) => {
  const problems = [{ severity: "warning", object: "job queue", message: "the queue is drained." }];
  const jobs = verifying({ status: "success", log: ["- WARNING: job queue: the queue is drained."], results: [{ passed: true, problems }] });
  const result = await runCommand("alkor-cluster", ["verify", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
});

test("counts problems in words", (t) => {
  t.is(verificationFailure([{ severity: "error" }, { severity: "error" }]), "Cluster verification failed: 2 errors, 0 warnings.");
});
