import test from "ava";
import { BULK_JOB_FIELDS, ganetiOpResult, JOB_FIELD_TABLE, JOB_FIELDS, jobRow, logEntriesAfter } from "../../../../src/api/rapi/job-fields.js";
import { itemObject } from "../../../../src/api/rapi/query-fields.js";
import type { Job, JobOp } from "../../../../src/cluster/jobs/model.js";
import { FakeRapiBackend, sampleJob } from "./fake-backend.js";
import { keysOf, sample, sampleKeys } from "./harness.js";

const backend = new FakeRapiBackend();
const render = (job: Job, fields: readonly string[] = JOB_FIELDS) => itemObject(JOB_FIELD_TABLE, fields, jobRow(job, (input) => backend.summarize(input)));

test("a job has exactly the keys of Ganeti's /2/jobs/ID, in its order", async (t) => {
  const job = render(sampleJob(1, "success"));
  t.deepEqual(Object.keys(job), Object.keys((await sample("GET_2_jobs_ID_instance-create.json")) as object));
  t.deepEqual(keysOf(render(sampleJob(1, "success"), BULK_JOB_FIELDS)), [...BULK_JOB_FIELDS].sort());
  t.deepEqual(await sampleKeys("GET_2_jobs_ID_failed-create.json"), keysOf(job));
});

test("shows timestamps as [seconds, microseconds], the summary, statuses and the log as Ganeti does", (t) => {
  const job = sampleJob(1, "success");
  t.deepEqual(render(job), {
    id: 1,
    ops: [{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["tag1"] }],
    status: "success",
    summary: ["TAGS_SET(cluster)"],
    opstatus: ["success"],
    received_ts: [Math.floor(job.receivedAt / 1000), (job.receivedAt % 1000) * 1000],
    start_ts: [Math.floor(job.startedAt! / 1000), (job.startedAt! % 1000) * 1000],
    end_ts: [Math.floor(job.endedAt! / 1000), (job.endedAt! % 1000) * 1000],
    oplog: [[[1, [Math.floor(job.ops[0]!.log[0]!.at / 1000), (job.ops[0]!.log[0]!.at % 1000) * 1000], "message", "setting tags"]]],
    opresult: [null],
  });
  t.like(render(sampleJob(3, "queued")), { start_ts: null, end_ts: null, oplog: [[]], opresult: [null] });
});

function failedOp(code: string, phase: "prerequisites" | "execution" | undefined): JobOp {
  return { ...sampleJob(1, "error").ops[0]!, status: "error", result: { code, message: "It went wrong", ...(phase === undefined ? {} : { phase }) } };
}

test("renders a prerequisite failure as Ganeti's OpPrereqError with its class, like the failed-create sample", async (t) => {
  const ganeti = (await sample("GET_2_jobs_ID_failed-create.json")) as { opresult: unknown[] };
  const op = failedOp("already_exists", "prerequisites");
  op.result = { code: "already_exists", message: "Instance 'bench01' is already in the cluster", phase: "prerequisites" };
  t.deepEqual(ganetiOpResult(op), ganeti.opresult[0]);
});

test("renders an execution failure as OpExecError with the message, as when no phase was recorded", (t) => {
  t.deepEqual(ganetiOpResult(failedOp("environment_error", "execution")), ["OpExecError", ["It went wrong"]]);
  t.deepEqual(ganetiOpResult(failedOp("timeout", undefined)), ["OpExecError", ["It went wrong"]]);
});

test("shows a result that is not an error as it is", (t) => {
  t.deepEqual(ganetiOpResult({ ...sampleJob(1, "success").ops[0]!, result: ["node1"] }), ["node1"]);
  t.deepEqual(ganetiOpResult({ ...sampleJob(1, "error").ops[0]!, result: "Job canceled by request" }), "Job canceled by request");
});

test("lists the log entries after a serial across all opcodes", (t) => {
  const job = sampleJob(1, "success");
  job.ops.push({ ...job.ops[0]!, log: [{ serial: 2, at: 5000, type: "progress", message: "50%" }] });
  t.deepEqual(logEntriesAfter(job, 1), [[2, [5, 0], "progress", "50%"]]);
  t.is(logEntriesAfter(job, 0).length, 2);
  t.deepEqual(logEntriesAfter(job, 2), []);
});
