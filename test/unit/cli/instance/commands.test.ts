import test from "ava";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { acceptedByOpcode, runCli, startInstanceApi, succeeding } from "./fake-instance-api.js";

/** Runs alkor-instance against a fresh API whose jobs succeed with `results`; returns the run and what was submitted. */
async function run(t: Parameters<typeof startInstanceApi>[0], args: string[], results: unknown[] = [], jobs: FakeJobQueue = succeeding(results)) {
  const endpoint = await startInstanceApi(t, { jobs, tags: { cluster: [], nodes: { web1: ["prod", "owner:ops"] } } });
  const result = await runCli("alkor-instance", [...args, "--endpoint", endpoint]);
  const ops = jobs.submissions.flatMap((submission) => submission.ops);
  for (const op of ops) acceptedByOpcode(op);
  return { ...result, ops, submissions: jobs.submissions };
}

test("remove -f runs OP_INSTANCE_REMOVE with its options and says the instance was removed", async (t) => {
  const result = await run(t, ["remove", "-f", "--ignore-failures", "--shutdown-timeout", "30", "web1"]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Instance web1 was removed.\n");
  t.deepEqual(result.ops, [{ OP_ID: "OP_INSTANCE_REMOVE", instance_name: "web1", ignore_failures: true, shutdown_timeout: 30 }]);
});

test("remove without -f and without a terminal refuses, saying to pass -f, and submits nothing", async (t) => {
  const result = await run(t, ["remove", "web1"]);
  t.is(result.code, 2);
  t.is(result.stderr, "error: Removing instance web1 destroys its disks and their data; pass -f (--force) to remove it without being asked.\n");
  t.deepEqual(result.submissions, []);
});

test("startup (with temporary -B and -H), shutdown and reboot of one instance run one job with Ganeti's parameters", async (t) => {
  const started = await run(t, ["startup", "--no-remember", "web1"]);
  t.is(started.code, 0, started.stderr);
  t.deepEqual(started.ops, [{ OP_ID: "OP_INSTANCE_STARTUP", instance_name: "web1", no_remember: true }]);
  const temporary = await run(t, ["startup", "-B", "maxmem=1G,vcpus=2", "-H", "kernel_args=single", "web1"]);
  t.deepEqual(temporary.ops, [{ OP_ID: "OP_INSTANCE_STARTUP", instance_name: "web1", beparams: { maxmem: 1024, vcpus: 2 }, hvparams: { kernel_args: "single" } }]);
  const badTemporary = await run(t, ["startup", "-B", "vcpus=many", "web1"]);
  t.is(badTemporary.code, 2);
  t.regex(badTemporary.stderr, /-B.*vcpus/);
  t.deepEqual(badTemporary.submissions, []);
  const stopped = await run(t, ["stop", "--timeout", "5", "web1", "--priority", "high"]);
  t.deepEqual(stopped.ops, [{ OP_ID: "OP_INSTANCE_SHUTDOWN", instance_name: "web1", timeout: 5 }]);
  t.is(stopped.submissions[0]!.priority, -10);
  const rebooted = await run(t, ["reboot", "--type", "soft", "--shutdown-timeout", "60", "web1"]);
  t.deepEqual(rebooted.ops, [{ OP_ID: "OP_INSTANCE_REBOOT", instance_name: "web1", reboot_type: "soft", shutdown_timeout: 60 }]);
  const bad = await run(t, ["reboot", "--type", "warm", "web1"]);
  t.is(bad.code, 2);
  t.deepEqual(bad.submissions, []);
});

test("several instances need --force-multiple without a terminal, then run one job each", async (t) => {
  const refused = await run(t, ["shutdown", "web1", "db2"]);
  t.is(refused.code, 2);
  t.is(refused.stderr, "error: The shutdown would operate on 2 instances; pass --force-multiple to do it without being asked.\n");
  t.deepEqual(refused.submissions, []);
  const done = await run(t, ["shutdown", "--force-multiple", "web1", "db2"]);
  t.is(done.code, 0, done.stderr);
  t.is(done.stdout, "Submitted jobs 1, 2\nWaiting for job 1 for web1 ...\nWaiting for job 2 for db2 ...\n");
  t.deepEqual(done.ops.map((op) => op.instance_name), ["web1", "db2"]);
});

test("--all starts every instance; a failed job makes the exit status 1", async (t) => {
  const jobs = new FakeJobQueue({
    script: (ops) => (ops[0]!.instance_name === "web10" ? { status: "error", error: { code: "wrong_state", message: "Node node10 is offline.", phase: "prerequisites" } } : { status: "success" }),
  });
  const result = await run(t, ["startup", "--all", "--force-multiple"], [], jobs);
  t.is(result.code, 1);
  t.deepEqual(result.ops.map((op) => op.instance_name), ["db2", "web1", "web10"]);
  t.regex(result.stderr, /^Job 3 for web10 has failed: Failure: prerequisites not met for this operation:\nerror type: wrong_state, error details:\nNode node10 is offline.\nThe startup failed for 1 of 3 instances.\n$/);
  const usage = await run(t, ["startup", "--all", "web1"]);
  t.is(usage.stderr, "error: Give either instance names or --all, not both.\n");
});

test("rename runs OP_INSTANCE_RENAME and prints Ganeti's sentence", async (t) => {
  const result = await run(t, ["rename", "--no-name-check", "web1", "web5"], ["web5"]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Instance 'web1' renamed to 'web5'\n");
  t.deepEqual(result.ops, [{ OP_ID: "OP_INSTANCE_RENAME", instance_name: "web1", new_name: "web5", name_check: false }]);
});

test("activate-disks prints node:disk/N:path lines as Ganeti does", async (t) => {
  const result = await run(t, ["activate-disks", "web1"], [[["node1", "disk/0", "/dev/alkor/web1.disk0"], ["node1", "disk/1", "/dev/alkor/web1.disk1"]]]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "node1:disk/0:/dev/alkor/web1.disk0\nnode1:disk/1:/dev/alkor/web1.disk1\n");
  t.deepEqual(result.ops, [{ OP_ID: "OP_INSTANCE_ACTIVATE_DISKS", instance_name: "web1" }]);
});

test("deactivate-disks, recreate-disks and grow-disk build their opcodes from Ganeti's arguments", async (t) => {
  const deactivated = await run(t, ["deactivate-disks", "-f", "web1"]);
  t.deepEqual(deactivated.ops, [{ OP_ID: "OP_INSTANCE_DEACTIVATE_DISKS", instance_name: "web1", force: true }]);
  const recreated = await run(t, ["recreate-disks", "--disks", "0,1", "db2"], [[1]]);
  t.deepEqual(recreated.ops, [{ OP_ID: "OP_INSTANCE_RECREATE_DISKS", instance_name: "db2", disks: [0, 1] }]);
  t.is(recreated.stdout, "Recreated disk 1.\n");
  const grown = await run(t, ["grow-disk", "--absolute", "db2", "1", "2G"]);
  t.is(grown.code, 0, grown.stderr);
  t.deepEqual(grown.ops, [{ OP_ID: "OP_INSTANCE_GROW_DISK", instance_name: "db2", disk: 1, amount: 2048, absolute: true }]);
  const badAmount = await run(t, ["grow-disk", "db2", "1", "2X"]);
  t.is(badAmount.code, 2);
  t.regex(badAmount.stderr, /^error: Invalid size "2X" for AMOUNT/);
  const badIndices = await run(t, ["recreate-disks", "--disks", "0,a", "db2"]);
  t.is(badIndices.code, 2);
});

test("modify prints what changed; --submit prints only the job ID", async (t) => {
  const modified = await run(t, ["modify", "-B", "vcpus=4", "web1"], [[["beparams", "changed"]]]);
  t.is(modified.code, 0, modified.stderr);
  t.true(modified.stdout.startsWith("Modified instance web1\n - beparams -> changed\n"));
  const submitted = await run(t, ["modify", "--offline", "--submit", "db2"]);
  t.is(submitted.stdout, "JobID: 1\n");
  t.deepEqual(submitted.ops, [{ OP_ID: "OP_INSTANCE_SET_PARAMS", instance_name: "db2", offline: true }]);
});

test("add-tags, remove-tags and list-tags work on the named instance", async (t) => {
  const added = await run(t, ["add-tags", "web1", "owner:ops"]);
  t.is(added.code, 0, added.stderr);
  t.deepEqual(added.ops, [{ OP_ID: "OP_TAGS_SET", kind: "instance", name: "web1", tags: ["owner:ops"] }]);
  const removed = await run(t, ["remove-tags", "web1", "owner:ops"]);
  t.deepEqual(removed.ops, [{ OP_ID: "OP_TAGS_DEL", kind: "instance", name: "web1", tags: ["owner:ops"] }]);
  const listed = await run(t, ["list-tags", "web1"]);
  t.is(listed.stdout, "owner:ops\nprod\n");
  const bad = await run(t, ["add-tags", "web_1", "x"]);
  t.is(bad.stderr, "error: INSTANCE: must be a host name (letters, digits, dots and dashes).\n");
});
