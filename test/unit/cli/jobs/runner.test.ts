import test from "ava";
import { waitFor } from "../../../helpers/wait.js";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "../fake-cluster-control.js";
import { COMMAND_DEADLINE, runCommand } from "../run-cli.js";

/*
 * The job runner behind every command that changes the cluster, driven
 * through `alkor-node add`: submit, follow the log, exit by the job's end.
 */

test("prints each log entry with its time as the job writes it, then the command's line, and exits 0", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const run = runCommand("alkor-node", ["add", "node4", "--endpoint", endpoint]);
  await waitFor("the command to wait on its queued job", () => jobs.waits.some((wait) => wait.status === "queued"), COMMAND_DEADLINE);
  jobs.log(1, "Node node4 is in the cluster's configuration; telling it to follow the master.");
  // The command asks for what follows entry 1 before entry 2 exists: it streamed entry 1.
  await waitFor("the command to have taken the first entry", () => jobs.waits.some((wait) => wait.logSerial === 1), COMMAND_DEADLINE);
  jobs.finish(1, { status: "success", log: ["Node node4 follows the master."] });
  const result = await run;
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    [
      "Tue Nov 24 14:00:02 2026 Node node4 is in the cluster's configuration; telling it to follow the master.",
      "Tue Nov 24 14:00:03 2026 Node node4 follows the master.",
      "Node node4 was added to the cluster.",
      "",
    ].join("\n"),
  );
  t.deepEqual(jobs.submissions, [{ ops: [{ OP_ID: "OP_NODE_ADD", node_name: "node4" }], priority: undefined, submittedBy: "cli" }]);
});

test("a job whose prerequisites are not met fails with exit status 1 and Ganeti's failure text", async (t) => {
  const refusal = { code: "already_exists", message: "Node node4 is already a member of cluster lab.", phase: "prerequisites" as const };
  const jobs = new FakeJobQueue({ script: () => ({ status: "error", error: refusal }) });
  const result = await runCommand("alkor-node", ["add", "node4", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, "Failure: prerequisites not met for this operation:\nerror type: already_exists, error details:\nNode node4 is already a member of cluster lab.\n");
});

test("a job that fails while running prints its log, then the execution error, with exit status 1", async (t) => {
  const jobs = new FakeJobQueue({
    script: () => ({ status: "error", log: ["Telling node4 to follow the master."], error: { code: "timeout", message: "node4 did not answer within 10 s.", phase: "execution" as const } }),
  });
  const result = await runCommand("alkor-node", ["add", "node4", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 1);
  t.is(result.stdout, "Tue Nov 24 14:00:02 2026 Telling node4 to follow the master.\n");
  t.is(result.stderr, "Failure: command execution error:\nnode4 did not answer within 10 s.\n");
});

test("a job canceled while the command follows it fails with exit status 1", async (t) => {
  const jobs = new FakeJobQueue();
  const run = runCommand("alkor-node", ["remove", "node3", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  await waitFor("the command to wait on its queued job", () => jobs.waits.some((wait) => wait.status === "queued"), COMMAND_DEADLINE);
  await jobs.cancel(1);
  const result = await run;
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, "Failure: command execution error:\nJob was canceled\n");
});

test("--submit prints the job's ID as Ganeti does and returns without following it", async (t) => {
  const jobs = new FakeJobQueue();
  const result = await runCommand("alkor-node", ["add", "node4", "--submit", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "JobID: 1\n");
  t.deepEqual(jobs.waits, []);
  t.is(jobs.job(1).status, "queued");
});

test("--priority takes Ganeti's names or a number and travels with the job", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  for (const priority of ["high", "low", "-20", "19"]) {
    const result = await runCommand("alkor-node", ["remove", "node3", "--submit", "--priority", priority, "--endpoint", endpoint]);
    t.is(result.code, 0, result.stderr);
  }
  t.deepEqual(jobs.submissions.map((submission) => submission.priority), [-10, 10, -20, 19]);
});

test("a priority out of range or unknown fails with exit status 2 and submits nothing", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  for (const priority of ["urgent", "20"]) {
    const result = await runCommand("alkor-node", ["remove", "node3", "--priority", priority, "--endpoint", endpoint]);
    t.is(result.code, 2, priority);
    t.is(result.stderr, `error: option '--priority <priority>' argument '${priority}' is invalid. Expected low, normal, high or an integer from -20 to 19.\n`);
  }
  t.deepEqual(jobs.submissions, []);
});

test("a job the queue refuses fails with exit status 1 and the queue's sentence", async (t) => {
  const jobs = new FakeJobQueue();
  jobs.drained = true;
  const result = await runCommand("alkor-node", ["add", "node4", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 1);
  t.is(result.stderr, "The job queue is drained; it takes no new jobs.\n");
});
