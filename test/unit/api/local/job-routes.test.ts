import test, { type ExecutionContext } from "ava";
import {
  JOB_WAIT_MAX_MS,
  JobBodySchema,
  JobListBodySchema,
  jobPath,
  JOBS_PATH,
  JobSubmitBodySchema,
  jobWaitPath,
  JobWaitBodySchema,
  QUEUE_DRAIN_PATH,
  QUEUE_PATH,
  QueueDrainSchema,
  QueueInfoBodySchema,
  tagsPath,
  TagsBodySchema,
  WATCHER_PATH,
  WatcherInfoSchema,
} from "../../../../src/api/local/contract.js";
import { getJson, requestJson, type Endpoint } from "../../../../src/cli/endpoint.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { waitFor } from "../../../helpers/wait.js";
import { FakeClusterControl } from "../../cli/fake-cluster-control.js";
import { FakeJobQueue, queuedJob, T0 } from "./fake-job-queue.js";
import { startTestServer } from "./fake-node-directory.js";
import { rawRequest, type RawAnswer } from "./raw-request.js";

const DELAY = { OP_ID: "OP_TEST_DELAY", duration: 2 };

async function serve(t: ExecutionContext, jobs = new FakeJobQueue()): Promise<{ endpoint: Endpoint; socketPath: string; jobs: FakeJobQueue }> {
  const api = await startTestServer(undefined, new FakeClusterControl(), jobs);
  t.teardown(api.close);
  return { endpoint: { kind: "unix", socketPath: api.socketPath }, socketPath: api.socketPath, jobs };
}

function errorOf(answer: RawAnswer): { code: string; message: string } {
  return (answer.body as { error: { code: string; message: string } }).error;
}

test("POST /v1/jobs queues the opcodes with the local submitter and the priority, answering the job's ID", async (t) => {
  const { endpoint, jobs } = await serve(t);
  const { jobId } = await requestJson(endpoint, "POST", JOBS_PATH, JobSubmitBodySchema, { ops: [DELAY], priority: -10 });
  t.is(jobId, 1);
  t.deepEqual(jobs.submissions, [{ ops: [DELAY], priority: -10, submittedBy: "cli" }]);
  const { job } = await getJson(endpoint, jobPath(1), JobBodySchema);
  t.like(job, { id: 1, status: "queued", priority: -10, submittedBy: "cli" });
  t.deepEqual((await getJson(endpoint, JOBS_PATH, JobListBodySchema)).jobs.map((listed) => listed.id), [1]);
});

test("POST /v1/jobs refuses a body that is no job, naming the field, and submits nothing", async (t) => {
  const { socketPath, jobs } = await serve(t);
  const cases: Array<[unknown, RegExp]> = [
    [{}, /ops: /],
    [{ ops: [] }, /ops: Too small/],
    [{ ops: [{ duration: 2 }] }, /ops\.0\.OP_ID: /],
    [{ ops: [DELAY], priority: 20 }, /priority: Too big/],
    [{ ops: [DELAY], owner: "me" }, /Unrecognized key: "owner"/],
  ];
  for (const [body, message] of cases) {
    const answer = await rawRequest(socketPath, "POST", JOBS_PATH, JSON.stringify(body));
    t.is(answer.status, 400, JSON.stringify(body));
    t.is(errorOf(answer).code, "wrong_input");
    t.regex(errorOf(answer).message, message);
  }
  t.deepEqual(jobs.submissions, []);
});

test("a refused submission travels with the queue's code and sentence", async (t) => {
  const { socketPath, jobs } = await serve(t);
  jobs.drained = true;
  const answer = await rawRequest(socketPath, "POST", JOBS_PATH, JSON.stringify({ ops: [DELAY] }));
  t.is(answer.status, 409);
  t.deepEqual(answer.body, { error: { code: "wrong_state", message: "The job queue is drained; it takes no new jobs." } });
});

test("GET /v1/jobs/ID/wait answers at once when the job differs from what the client knows", async (t) => {
  const { endpoint, jobs } = await serve(t);
  jobs.seed(queuedJob(4, [DELAY], T0));
  const { job } = await getJson(endpoint, jobWaitPath(4, { status: null, logSerial: 0 }, 5000), JobWaitBodySchema);
  t.like(job, { id: 4, status: "queued" });
  t.deepEqual(jobs.waits, [{ id: 4, status: null, logSerial: 0, timeoutMs: 5000 }]);
});

test("GET /v1/jobs/ID/wait holds the request until the job logs something", async (t) => {
  const { endpoint, jobs } = await serve(t);
  jobs.seed(queuedJob(4, [DELAY], T0));
  const answer = getJson(endpoint, jobWaitPath(4, { status: "queued", logSerial: 0 }, JOB_WAIT_MAX_MS), JobWaitBodySchema);
  await waitFor("the wait to reach the queue", () => jobs.waits.length === 1);
  jobs.log(4, "Sleeping for 2 s on node1.");
  const { job } = await answer;
  t.is(job?.status, "running");
  t.is(job?.logSerial, 1);
  t.is(job?.ops[0]?.log[0]?.message, "Sleeping for 2 s on node1.");
});

test("GET /v1/jobs/ID/wait answers null when nothing changed in time, and waits no longer than 30 s whatever it is asked", async (t) => {
  const { endpoint, jobs } = await serve(t);
  jobs.seed(queuedJob(4, [DELAY], T0));
  const { job } = await getJson(endpoint, jobWaitPath(4, { status: "queued", logSerial: 0 }, 50), JobWaitBodySchema);
  t.is(job, null);
  const long = getJson(endpoint, jobWaitPath(4, { status: "queued", logSerial: 0 }, 3_600_000), JobWaitBodySchema);
  await waitFor("the second wait to reach the queue", () => jobs.waits.length === 2);
  t.is(jobs.waits[1]?.timeoutMs, JOB_WAIT_MAX_MS);
  jobs.finish(4, { status: "success" });
  t.is((await long).job?.status, "success");
});

test("GET /v1/jobs/ID/wait refuses a query it cannot read, naming the parameter", async (t) => {
  const { socketPath, jobs } = await serve(t);
  jobs.seed(queuedJob(4, [DELAY], T0));
  for (const [query, field] of [["status=sleeping", "status"], ["logSerial=-1", "logSerial"], ["timeoutMs=soon", "timeoutMs"], ["since=1", "since"]] as const) {
    const answer = await rawRequest(socketPath, "GET", `/v1/jobs/4/wait?${query}`);
    t.is(answer.status, 400, query);
    t.regex(errorOf(answer).message, new RegExp(`^Invalid query for /v1/jobs/4/wait: .*${field}`), query);
  }
  t.deepEqual(jobs.waits, []);
});

test("job paths answer 400 for an ID that is no positive integer, 404 for an unknown job or action", async (t) => {
  const { socketPath } = await serve(t);
  for (const path of ["/v1/jobs/abc", "/v1/jobs/0", "/v1/jobs/-1", "/v1/jobs/1.5", "/v1/jobs/99999999999999999999"]) {
    const answer = await rawRequest(socketPath, "GET", path);
    t.is(answer.status, 400, path);
    t.regex(errorOf(answer).message, /is not a job ID\.$/, path);
  }
  const unknown = await rawRequest(socketPath, "GET", "/v1/jobs/7");
  t.is(unknown.status, 404);
  t.is(errorOf(unknown).message, "Job 7 is not known.");
  for (const path of ["/v1/jobs/7/rerun", "/v1/jobs/7/wait/more", "/v1/jobs/7/constructor"]) t.is((await rawRequest(socketPath, "GET", path)).status, 404, path);
});

test("job paths answer 405 naming their methods", async (t) => {
  const { socketPath, jobs } = await serve(t);
  jobs.seed(queuedJob(4, [DELAY], T0));
  const cases = [
    ["DELETE", JOBS_PATH, "GET, POST"],
    ["POST", "/v1/jobs/4", "GET"],
    ["POST", "/v1/jobs/4/wait", "GET"],
    ["GET", "/v1/jobs/4/cancel", "POST"],
    ["GET", "/v1/jobs/archive", "POST"],
    ["POST", "/v1/queue", "GET"],
    ["GET", "/v1/queue/drain", "POST"],
    ["DELETE", WATCHER_PATH, "GET, POST"],
    ["POST", "/v1/tags", "GET"],
  ] as const;
  for (const [method, path, allowed] of cases) {
    const answer = await rawRequest(socketPath, method, path);
    t.is(answer.status, 405, `${method} ${path}`);
    t.is(answer.headers.allow, allowed, `${method} ${path}`);
  }
});

test("POST /v1/jobs/ID/cancel cancels a queued job and refuses a running one with the queue's sentence", async (t) => {
  const { endpoint, socketPath, jobs } = await serve(t);
  jobs.seed(queuedJob(4, [DELAY], T0));
  jobs.seed(queuedJob(5, [DELAY], T0));
  jobs.log(5, "Sleeping.");
  const { job } = await requestJson(endpoint, "POST", "/v1/jobs/4/cancel", JobBodySchema);
  t.is(job.status, "canceled");
  const refused = await rawRequest(socketPath, "POST", "/v1/jobs/5/cancel");
  t.is(refused.status, 409);
  t.deepEqual(errorOf(refused), { code: "wrong_state", message: "Job 5 is running; only a queued or waiting job can be canceled." });
});

test("POST /v1/jobs/archive archives the given ended jobs, or those ended long enough ago; it takes one of the two", async (t) => {
  const { socketPath, jobs } = await serve(t);
  for (const id of [1, 2, 3]) jobs.seed(queuedJob(id, [DELAY], T0));
  jobs.finish(1, { status: "success" });
  jobs.finish(2, { status: "success" });
  const byId = await rawRequest(socketPath, "POST", "/v1/jobs/archive", JSON.stringify({ ids: [1, 3] }));
  t.deepEqual(byId.body, { archived: [1] });
  const byAge = await rawRequest(socketPath, "POST", "/v1/jobs/archive", JSON.stringify({ olderThanMs: 0 }));
  t.deepEqual(byAge.body, { archived: [2] });
  for (const body of [{}, { ids: [] }, { ids: [1], olderThanMs: 0 }, { olderThanMs: -1 }]) {
    const answer = await rawRequest(socketPath, "POST", "/v1/jobs/archive", JSON.stringify(body));
    t.is(answer.status, 400, JSON.stringify(body));
  }
  t.deepEqual((await jobs.list()).map((job) => job.id), [3]);
});

test("/v1/queue shows the drain flag and the jobs by status; POST /v1/queue/drain sets and clears the flag", async (t) => {
  const { endpoint, jobs } = await serve(t);
  jobs.seed(queuedJob(1, [DELAY], T0));
  const before = await getJson(endpoint, QUEUE_PATH, QueueInfoBodySchema);
  t.deepEqual(before, { drained: false, counts: { queued: 1, waiting: 0, canceling: 0, running: 0, canceled: 0, success: 0, error: 0 }, archiveAfterMs: 6 * 3600_000 });
  t.deepEqual(await requestJson(endpoint, "POST", QUEUE_DRAIN_PATH, QueueDrainSchema, { drained: true }), { drained: true });
  t.true(jobs.drained);
  t.true((await getJson(endpoint, QUEUE_PATH, QueueInfoBodySchema)).drained);
  await requestJson(endpoint, "POST", QUEUE_DRAIN_PATH, QueueDrainSchema, { drained: false });
  t.false(jobs.drained);
});

test("POST /v1/queue/drain takes only a boolean flag", async (t) => {
  const { socketPath, jobs } = await serve(t);
  for (const body of [{}, { drained: "yes" }, { drained: true, force: true }]) {
    const answer = await rawRequest(socketPath, "POST", QUEUE_DRAIN_PATH, JSON.stringify(body));
    t.is(answer.status, 400, JSON.stringify(body));
  }
  t.false(jobs.drained);
});

test("/v1/watcher pauses the watcher until an instant and lets it run again with null", async (t) => {
  const { endpoint, socketPath, jobs } = await serve(t);
  t.deepEqual(await getJson(endpoint, WATCHER_PATH, WatcherInfoSchema), { pausedUntil: null });
  const until = T0 + 3600_000;
  t.deepEqual(await requestJson(endpoint, "POST", WATCHER_PATH, WatcherInfoSchema, { pausedUntil: until }), { pausedUntil: until });
  t.deepEqual(await getJson(endpoint, WATCHER_PATH, WatcherInfoSchema), { pausedUntil: until });
  await requestJson(endpoint, "POST", WATCHER_PATH, WatcherInfoSchema, { pausedUntil: null });
  t.is(jobs.pausedUntil, null);
  for (const body of [{}, { pausedUntil: "1h" }, { pausedUntil: 1.5 }]) {
    t.is((await rawRequest(socketPath, "POST", WATCHER_PATH, JSON.stringify(body))).status, 400, JSON.stringify(body));
  }
});

test("GET /v1/tags answers the cluster's or a node's tags from the cluster control", async (t) => {
  const cluster = new FakeClusterControl();
  const api = await startTestServer(undefined, cluster, new FakeJobQueue());
  t.teardown(api.close);
  const endpoint: Endpoint = { kind: "unix", socketPath: api.socketPath };
  t.deepEqual(await getJson(endpoint, tagsPath("cluster"), TagsBodySchema), { tags: ["owner:ops", "env:lab"] });
  t.deepEqual(await getJson(endpoint, tagsPath("node", "node1"), TagsBodySchema), { tags: ["rack:a1"] });
  t.deepEqual(cluster.calls, [{ operation: "tags", args: ["cluster"] }, { operation: "tags", args: ["node", "node1"] }]);
  const unknown = await t.throwsAsync(getJson(endpoint, tagsPath("node", "node7"), TagsBodySchema), { instanceOf: AlkorError });
  t.is(unknown?.code, "unknown_entity");
});

test("GET /v1/tags needs a kind, and a node's valid name for a node", async (t) => {
  const { socketPath } = await serve(t);
  for (const query of ["", "?kind=instance", "?kind=node", "?kind=node&name=bad_name", "?kind=cluster&name=node1"]) {
    const answer = await rawRequest(socketPath, "GET", `/v1/tags${query}`);
    t.is(answer.status, 400, query);
    t.regex(errorOf(answer).message, /^Invalid query for \/v1\/tags: /, query);
  }
});

test("job, queue and watcher paths are refused as wrong_state by an agent that runs no job queue", async (t) => {
  const api = await startTestServer(undefined, new FakeClusterControl());
  t.teardown(api.close);
  for (const path of [JOBS_PATH, "/v1/jobs/1", QUEUE_PATH, WATCHER_PATH]) {
    const answer = await rawRequest(api.socketPath, "GET", path);
    t.is(answer.status, 409, path);
    t.deepEqual(errorOf(answer), { code: "wrong_state", message: "This agent runs no job queue." }, path);
  }
});
