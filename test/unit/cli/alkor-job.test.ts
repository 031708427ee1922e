import test from "ava";
import { waitFor } from "../../helpers/wait.js";
import { FakeJobQueue, queuedJob, T0 } from "../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "./fake-cluster-control.js";
import { COMMAND_DEADLINE, runCommand } from "./run-cli.js";

function run(args: string[]) {
  return runCommand("alkor-job", args);
}

const NODE_ADD = { OP_ID: "OP_NODE_ADD", node_name: "node4" };
const DELAY = { OP_ID: "OP_TEST_DELAY", duration: 2 };
const TAGS = { OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["owner:ops"] };

/** Job 1 succeeded, job 2 runs, job 3 is queued; all received at T0. */
function threeJobs(): FakeJobQueue {
  const jobs = new FakeJobQueue();
  jobs.seed(queuedJob(1, [NODE_ADD], T0));
  jobs.seed(queuedJob(2, [DELAY], T0));
  jobs.seed(queuedJob(3, [TAGS], T0));
  jobs.finish(1, { status: "success" });
  jobs.log(2, "Sleeping for 2 s on node1.");
  return jobs;
}

async function serve(t: Parameters<typeof startClusterApi>[0], jobs: FakeJobQueue): Promise<string> {
  return startClusterApi(t, new FakeClusterControl(), jobs);
}

test("list shows every job by ID with gnt-job list's default fields", async (t) => {
  const result = await run(["list", "--endpoint", await serve(t, threeJobs())]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, ["ID Status  Summary", " 1 success NODE_ADD(node4)", " 2 running TEST_DELAY(2.0)", " 3 queued  TAGS_SET(cluster)", ""].join("\n"));
});

test("list prints the chosen fields for scripts, unknown times as ?", async (t) => {
  const args = ["list", "-o", "id,priority,received_ts,start_ts,end_ts,opstatus", "--no-headers", "--separator", "|"];
  const result = await run([...args, "--endpoint", await serve(t, threeJobs())]);
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    [
      "1|0|2026-11-24 14:00:00|2026-11-24 14:00:01|2026-11-24 14:00:01|success",
      "2|0|2026-11-24 14:00:00|2026-11-24 14:00:02|?|running",
      "3|0|2026-11-24 14:00:00|?|?|queued",
      "",
    ].join("\n"),
  );
});

test("list shows only the jobs named, or of the statuses asked for", async (t) => {
  const endpoint = await serve(t, threeJobs());
  const ids = async (args: string[]) => (await run(["list", "-o", "id", "--no-headers", ...args, "--endpoint", endpoint])).stdout.split("\n").filter(Boolean);
  t.deepEqual(await ids(["3", "1"]), ["3", "1"]);
  t.deepEqual(await ids(["--running"]), ["2"]);
  t.deepEqual(await ids(["--pending"]), ["3"]);
  t.deepEqual(await ids(["--finished"]), ["1"]);
  t.deepEqual(await ids(["--error"]), []);
  t.deepEqual(await ids(["--running", "--pending"]), ["2", "3"]);
});

test("list --json prints the jobs as the agent has them", async (t) => {
  const result = await run(["list", "--json", "2", "--endpoint", await serve(t, threeJobs())]);
  t.is(result.code, 0, result.stderr);
  const jobs = JSON.parse(result.stdout) as Array<{ id: number; status: string; ops: unknown[] }>;
  t.deepEqual(jobs.map((job) => [job.id, job.status, job.ops.length]), [[2, "running", 1]]);
});

test("list fails with exit status 2 for an unknown field or a bad job ID, and 1 for an unknown job", async (t) => {
  const endpoint = await serve(t, threeJobs());
  const field = await run(["list", "-o", "id,owner", "--endpoint", endpoint]);
  t.is(field.code, 2);
  t.is(field.stderr, 'error: Unknown output field "owner". Valid fields: id, status, priority, summary, received_ts, start_ts, end_ts, opstatus.\n');
  const id = await run(["list", "first", "--endpoint", endpoint]);
  t.is(id.code, 2);
  t.is(id.stderr, 'error: Invalid job ID "first": expected a positive integer.\n');
  const unknown = await run(["list", "1", "9", "--endpoint", endpoint]);
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "Unknown job: 9.\n");
});

test("info shows jobs as gnt-job info does, separated by an empty line", async (t) => {
  const result = await run(["info", "1", "3", "--endpoint", await serve(t, threeJobs())]);
  t.is(result.code, 0, result.stderr);
  t.true(result.stdout.startsWith("Job ID: 1\n  Status: success\n  Received:         2026-11-24 14:00:00.000000\n"), result.stdout);
  t.true(result.stdout.includes("        node_name: node4\n      No output data\n      Execution log:\n\nJob ID: 3\n  Status: queued\n"), result.stdout);
});

test("info fails with exit status 1 and the agent's message for an unknown job", async (t) => {
  const result = await run(["info", "9", "--endpoint", await serve(t, threeJobs())]);
  t.is(result.code, 1);
  t.is(result.stderr, "Job 9 is not known.\n");
});

test("watch prints gnt-job watch's header and the job's log as it comes, and exits 0 when the job succeeds", async (t) => {
  const jobs = new FakeJobQueue();
  jobs.seed(queuedJob(4, [DELAY], T0));
  const watching = run(["watch", "4", "--endpoint", await serve(t, jobs)]);
  await waitFor("watch to wait on the queued job", () => jobs.waits.some((wait) => wait.status === "queued"), COMMAND_DEADLINE);
  jobs.log(4, "Sleeping for 2 s on node1.");
  await waitFor("watch to have taken the first entry", () => jobs.waits.some((wait) => wait.logSerial === 1), COMMAND_DEADLINE);
  jobs.finish(4, { status: "success", log: ["1.0 of 2 s slept."] });
  const result = await watching;
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    [
      "Output from job 4 follows",
      "-------------------------",
      "Tue Nov 24 14:00:01 2026 Sleeping for 2 s on node1.",
      "Tue Nov 24 14:00:02 2026 1.0 of 2 s slept.",
      "",
    ].join("\n"),
  );
});

test("watch of a job that failed prints its whole log and exits 1 naming the job and the failure", async (t) => {
  const jobs = new FakeJobQueue();
  jobs.seed(queuedJob(5, [NODE_ADD], T0));
  jobs.finish(5, { status: "error", log: ["Telling node4 to follow the master."], error: { code: "timeout", message: "node4 did not answer.", phase: "execution" } });
  const result = await run(["watch", "5", "--endpoint", await serve(t, jobs)]);
  t.is(result.code, 1);
  t.true(result.stdout.endsWith("\nTue Nov 24 14:00:01 2026 Telling node4 to follow the master.\n"));
  t.is(result.stderr, "Job 5 failed: Failure: command execution error:\nnode4 did not answer.\n");
});

test("cancel cancels queued jobs, says a waiting one will be, and exits 1 naming the jobs it could not cancel", async (t) => {
  const jobs = threeJobs();
  jobs.seed({ ...queuedJob(6, [DELAY], T0), status: "waiting" });
  const result = await run(["cancel", "3", "2", "6", "9", "--endpoint", await serve(t, jobs)]);
  t.is(result.code, 1);
  t.is(result.stdout, "Job 3 canceled\nJob 6 will be canceled\n");
  t.is(result.stderr, "Job 2 is running; only a queued or waiting job can be canceled.\nJob 9 is not known.\n");
  t.is(jobs.job(3).status, "canceled");
});

test("archive archives ended jobs silently and exits 1 naming those it could not archive", async (t) => {
  const jobs = threeJobs();
  const endpoint = await serve(t, jobs);
  const done = await run(["archive", "1", "--endpoint", endpoint]);
  t.is(done.code, 0, done.stderr);
  t.is(done.stdout, "");
  const running = await run(["archive", "2", "--endpoint", endpoint]);
  t.is(running.code, 1);
  t.is(running.stderr, "Job 2 was not archived: it has not ended, or is not known.\n");
  t.deepEqual((await jobs.list()).map((job) => job.id), [2, 3]);
});

test("autoarchive archives every ended job older than AGE, or all with all, and says how many", async (t) => {
  const jobs = threeJobs();
  const endpoint = await serve(t, jobs);
  const none = await run(["autoarchive", "1h", "--endpoint", endpoint]);
  t.is(none.stdout, "Archived 0 jobs.\n");
  const all = await run(["autoarchive", "all", "--endpoint", endpoint]);
  t.is(all.code, 0, all.stderr);
  t.is(all.stdout, "Archived 1 job.\n");
  const bad = await run(["autoarchive", "yesterday", "--endpoint", endpoint]);
  t.is(bad.code, 2);
});

test("fails with exit status 2 for an unknown command, and without one", async (t) => {
  for (const args of [["purge"], []]) {
    const result = await run(args);
    t.is(result.code, 2, args.join(" "));
    t.not(result.stderr, "", args.join(" "));
  }
});
