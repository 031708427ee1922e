import test from "ava";
import { JobQueue } from "../../../../src/cluster/jobs/job-queue.js";
import { JobRunner } from "../../../../src/cluster/jobs/job-runner.js";
import type { Job } from "../../../../src/cluster/jobs/model.js";
import type { OpcodeServices } from "../../../../src/cluster/opcodes/definition.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { memoryLogger } from "../../../helpers/log.js";
import { ManualClock } from "../../../helpers/manual-clock.js";
import { waitFor } from "../../../helpers/wait.js";
import { StateCluster } from "./state-cluster.js";

/** Two timers while a delay opcode sleeps: the archive check and the sleep. */
function setup(options: { maxRunningJobs?: number } = {}) {
  const cluster = new StateCluster();
  const clock = new ManualClock();
  const executions: string[] = [];
  const services: OpcodeServices = {
    adopt: async () => {},
    evict: async () => {},
    discovered: () => [],
    liveness: () => "alive",
    recordTestExecution: async (line) => void executions.push(line),
    nodeRpc: async () => {
      throw new Error("no node RPC in these tests");
    },
    random: { uuid: () => "00000000-0000-4000-8000-000000000000", int: (min) => min },
  };
  const { log, events } = memoryLogger();
  const runner = new JobRunner({ cluster, opcodes: opcodeTable, services, selfName: "node1", maxRunningJobs: options.maxRunningJobs ?? 8, archiveCheckMs: 60_000, clock, log });
  cluster.onProgress = () => runner.onProgress();
  const queue = new JobQueue(cluster, opcodeTable, clock);
  return { cluster, clock, executions, runner, queue, events };
}

const job = (cluster: StateCluster, id: number): Job => cluster.state.jobs[String(id)]!;
const ended = (cluster: StateCluster, id: number) => ["success", "error", "canceled"].includes(job(cluster, id).status);

test("a tag job runs on the master: its effect and its end commit together", async (t) => {
  const { cluster, queue, runner } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["owner:ops"] }], { submittedBy: "test" });
  await waitFor("the job to end", () => ended(cluster, id));
  t.is(job(cluster, id).status, "success");
  t.deepEqual(cluster.state.tags, ["owner:ops"]);
  t.deepEqual(cluster.proposed.map((command) => command.kind), ["job.submit", "job.opEnd"]);
});

test("a failed prerequisite ends the job in error with the opcode's reason, and nothing changes", async (t) => {
  const { cluster, queue, runner } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TAGS_DEL", kind: "node", name: "node2", tags: ["absent"] }], { submittedBy: "test" });
  await waitFor("the job to end", () => ended(cluster, id));
  t.is(job(cluster, id).status, "error");
  t.deepEqual(job(cluster, id).ops[0]!.result, { code: "unknown_entity", message: "Tag(s) 'absent' not found on node node2.", phase: "prerequisites" });
});

test("an opcode with side effects is started with a marker, logs its progress and runs once", async (t) => {
  const { cluster, queue, runner, clock, executions } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 2, alkor_record: true }], { submittedBy: "test" });
  await waitFor("the opcode to sleep", () => job(cluster, id).logSerial === 1 && clock.pendingTimers() === 2);
  clock.advance(1000);
  await waitFor("a progress message", () => job(cluster, id).logSerial === 2 && clock.pendingTimers() === 2);
  clock.advance(1000);
  await waitFor("the job to end", () => ended(cluster, id));
  t.is(job(cluster, id).status, "success");
  t.deepEqual(job(cluster, id).ops[0]!.log.map((entry) => entry.message), ["Sleeping for 2 s on node1.", "1.0 of 2 s slept."]);
  t.deepEqual(executions, [`job ${id} opcode 0 on node1 at 1000000`]);
});

test("a new master fails a job whose side-effect opcode an old master started, and runs nothing of it again", async (t) => {
  const { cluster, queue, runner, executions } = setup();
  cluster.master = false;
  await runner.start();
  // As an old master left it: submitted, the first opcode's marker committed, no end.
  cluster.master = true;
  const id = (await cluster.propose({ kind: "job.submit", ops: [{ OP_ID: "OP_TEST_DELAY", duration: 5, on_master: true, repeat: 0, alkor_record: true }, { OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["after"] }], priority: 0, submittedBy: "test", at: 1 })).result as { jobId: number };
  cluster.master = false;
  await cluster.propose({ kind: "job.opStart", id: id.jobId, opIndex: 0, at: 2 });
  cluster.master = true;
  cluster.progress();
  await waitFor("the job to end", () => ended(cluster, id.jobId));
  const failed = job(cluster, id.jobId);
  t.is(failed.status, "error");
  t.regex((failed.ops[0]!.result as { message: string }).message, /The master changed while opcode 0 \(OP_TEST_DELAY\) of job 1 was running; it is not run again/);
  t.is(failed.ops[1]!.status, "error");
  t.deepEqual(executions, []);
  t.deepEqual(cluster.state.tags, []);
  void queue;
});

test("a new master resumes a job from its next opcode", async (t) => {
  const { cluster, runner } = setup();
  await runner.start();
  cluster.master = false;
  const submitted = (await cluster.propose({ kind: "job.submit", ops: [{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["one"] }, { OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["two"] }], priority: 0, submittedBy: "test", at: 1 })).result as { jobId: number };
  await cluster.propose({ kind: "job.opEnd", id: submitted.jobId, opIndex: 0, startedAt: 2, at: 3, outcome: { ok: true, result: null, effects: [{ kind: "tags.add", target: { kind: "cluster" }, tags: ["one"] }] } });
  cluster.master = true;
  cluster.progress();
  await waitFor("the job to end", () => ended(cluster, submitted.jobId));
  t.is(job(cluster, submitted.jobId).status, "success");
  t.deepEqual(cluster.state.tags, ["one", "two"]);
  t.is(cluster.proposed.filter((command) => command.kind === "job.opEnd").length, 2, "the first opcode was not run again");
});

test("jobs run by priority, then age; one that must wait for a lock is marked waiting", async (t) => {
  const { cluster, queue, runner, clock } = setup({ maxRunningJobs: 1 });
  cluster.master = false;
  await runner.start();
  cluster.master = true;
  const slow = await queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 1 }], { submittedBy: "test" });
  const low = await queue.submit([{ OP_ID: "OP_CLUSTER_SET_PARAMS", candidate_pool_size: 4 }], { priority: 10, submittedBy: "test" });
  const high = await queue.submit([{ OP_ID: "OP_CLUSTER_SET_PARAMS", candidate_pool_size: 6 }], { priority: -10, submittedBy: "test" });
  cluster.progress();
  await waitFor("the delay to start sleeping", () => job(cluster, slow).logSerial === 1 && clock.pendingTimers() === 2);
  clock.advance(1000);
  await waitFor("every job to end", () => [slow, low, high].every((id) => ended(cluster, id)));
  const endOrder = cluster.proposed.filter((command) => command.kind === "job.opEnd").map((command) => (command as { id: number }).id);
  t.deepEqual(endOrder, [slow, high, low]);
  t.is(cluster.state.cluster?.candidatePoolSize, 4, "the low-priority change came last");
});

test("conflicting jobs wait for each other and are marked waiting", async (t) => {
  const { cluster, queue, runner, clock } = setup();
  await runner.start();
  const first = await queue.submit([{ OP_ID: "OP_NODE_SET_PARAMS", node_name: "node3", drained: true }, { OP_ID: "OP_TEST_DELAY", duration: 1 }], { submittedBy: "test" });
  const second = await queue.submit([{ OP_ID: "OP_CLUSTER_VERIFY" }], { submittedBy: "test" });
  await waitFor("the verify to end and the delay to sleep", () => ended(cluster, second) && job(cluster, first).logSerial === 1 && clock.pendingTimers() === 2);
  clock.advance(1000);
  await waitFor("the first to end", () => ended(cluster, first));
  t.is(job(cluster, first).status, "success");
  t.is(job(cluster, second).status, "success");
  const verify = job(cluster, second).ops[0]!;
  t.deepEqual(verify.result, { passed: true, problems: [] });
  t.deepEqual(verify.log.map((entry) => entry.message), [
    "* Verifying global settings",
    "* Verifying node status (3 nodes)",
    "* Verifying job queue",
    "* Verifying instances (0 instances)",
    "* Verifying instance disks",
    "* Verifying orphan volumes",
    "* Verifying N+1 memory redundancy",
  ]);
});

test("a drained queue refuses jobs while a running one finishes; undrained, it takes them again", async (t) => {
  const { cluster, queue, runner, clock } = setup();
  await runner.start();
  const running = await queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 1 }], { submittedBy: "test" });
  await waitFor("it to sleep", () => job(cluster, running).logSerial === 1 && clock.pendingTimers() === 2);
  await queue.setDrained(true);
  await t.throwsAsync(queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 0 }], { submittedBy: "test" }), { message: "Job queue is drained, refusing job." });
  clock.advance(1000);
  await waitFor("the running job to end", () => ended(cluster, running));
  t.is(job(cluster, running).status, "success");
  t.true((await queue.queueInfo()).drained);
  await queue.setDrained(false);
  t.true((await queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 0 }], { submittedBy: "test" })) > running);
});

test("waiting for a change answers at once when the job moved on, and with null when it did not", async (t) => {
  const { cluster, queue, runner } = setup();
  cluster.master = false;
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["w"] }], { submittedBy: "test" });
  t.is(await queue.waitForChange(id, { status: "queued", logSerial: 0 }, 50), null);
  const waiting = queue.waitForChange(id, { status: "queued", logSerial: 0 }, 5000);
  cluster.master = true;
  cluster.progress();
  t.is((await waiting)?.status, "success");
  await t.throwsAsync(queue.get(999), { message: "Job 999 does not exist or was archived." });
});

test("ended jobs older than the archive age are archived by the master", async (t) => {
  const { cluster, queue, runner, clock } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["old"] }], { submittedBy: "test" });
  await waitFor("the job to end", () => ended(cluster, id));
  clock.advance(cluster.state.queue.archiveAfterMs + 60_000);
  await waitFor("the job to be archived", () => cluster.state.jobs[String(id)] === undefined);
  t.deepEqual(Object.keys(cluster.state.jobs), []);
});

test("the archive age is a cluster setting an opcode changes", async (t) => {
  const { cluster, queue, runner } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_CLUSTER_SET_PARAMS", job_archive_age: 600 }], { submittedBy: "test" });
  await waitFor("the job to end", () => ended(cluster, id));
  t.is(cluster.state.queue.archiveAfterMs, 600_000);
  t.is((await queue.queueInfo()).archiveAfterMs, 600_000);
});

test("a lease that lapses for a moment is no change of master: the running opcode goes on and ends once", async (t) => {
  const { cluster, queue, runner, clock, executions } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 2, alkor_record: true }], { submittedBy: "test" });
  await waitFor("the opcode to sleep", () => job(cluster, id).logSerial === 1 && clock.pendingTimers() === 2);
  cluster.leaseHeld = false;
  cluster.progress();
  clock.advance(1000);
  await waitFor("the progress message, committed without the lease", () => job(cluster, id).logSerial === 2 && clock.pendingTimers() === 2);
  cluster.leaseHeld = true;
  cluster.progress();
  clock.advance(1000);
  await waitFor("the job to end", () => ended(cluster, id));
  t.is(job(cluster, id).status, "success");
  t.is(executions.length, 1);
});

test("a new term while an opcode with side effects runs leaves it to the next master, which fails the job", async (t) => {
  const { cluster, queue, runner, clock } = setup();
  await runner.start();
  const id = await queue.submit([{ OP_ID: "OP_TEST_DELAY", duration: 1 }], { submittedBy: "test" });
  await waitFor("the opcode to sleep", () => job(cluster, id).logSerial === 1 && clock.pendingTimers() === 2);
  cluster.term = 2;
  cluster.progress();
  clock.advance(1000);
  await waitFor("the job to end", () => ended(cluster, id));
  t.is(job(cluster, id).status, "error");
  t.regex((job(cluster, id).ops[0]!.result as { message: string }).message, /The master changed while opcode 0/);
});
