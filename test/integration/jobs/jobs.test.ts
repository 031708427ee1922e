import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { JobBodySchema, JobSubmitBodySchema, JOBS_PATH, jobPath } from "../../../src/api/local/contract.js";
import { requestJson, getJson, type Endpoint } from "../../../src/cli/endpoint.js";
import { jobEnded, type Job } from "../../../src/cluster/jobs/model.js";
import { agreedMaster } from "../../../src/demo/cluster-probe.js";
import type { LocalCluster } from "../../../src/demo/local-cluster.js";
import { siteCluster } from "../../helpers/site-cluster.js";
import { runAlkor } from "../../helpers/alkor-command.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * The job queue on three real agents: the operator's commands as jobs, the
 * drained queue, and a master killed while a multi-opcode job runs.
 */
const names = ["node1", "node2", "node3"];
let baseDir: string;
let cluster: LocalCluster;

test.before(async () => {
  baseDir = await mkdtemp(join(tmpdir(), "alkor-jobs-"));
  cluster = siteCluster({ baseDir, prefix: "127.0.27", name: "jobs" });
  await cluster.start();
  await waitFor("the three agents to form cluster jobs", async () => (await agreedMaster(sockets(names))) !== null, { timeoutMs: 30_000 });
});

test.after.always(async () => {
  await cluster?.stop();
  if (baseDir) await rm(baseDir, { recursive: true, force: true });
});

const sockets = (nodes: readonly string[]) => nodes.map((name) => cluster.node(name).controlSocket);
const endpoint = (node: string): Endpoint => ({ kind: "unix", socketPath: cluster.node(node).controlSocket });

function alkor(node: string, command: string, ...args: string[]) {
  return runAlkor(cluster.node(node).controlSocket, command, args);
}

async function submit(node: string, ops: unknown[]): Promise<number> {
  return (await requestJson(endpoint(node), "POST", JOBS_PATH, JobSubmitBodySchema, { ops })).jobId;
}

async function job(node: string, id: number): Promise<Job> {
  return (await getJson(endpoint(node), jobPath(id), JobBodySchema, 5000)).job;
}

async function master(): Promise<string> {
  let found: string | null = null;
  await waitFor("one master", async () => (found = await agreedMaster(sockets(names.filter((name) => running(name))))) !== null, { timeoutMs: 15_000 });
  return found!;
}

function running(name: string): boolean {
  const child = cluster.node(name).process;
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

test.serial("tags through the commands are jobs: add, list, search and remove, on the cluster and a node", async (t) => {
  const added = await alkor("node2", "alkor-cluster", "add-tags", "owner:ops", "env:test");
  t.is(added.code, 0, added.stderr);
  t.deepEqual((await alkor("node3", "alkor-cluster", "list-tags")).stdout.trim().split("\n"), ["env:test", "owner:ops"]);
  t.is((await alkor("node1", "alkor-node", "add-tags", "node3", "rack:a1")).code, 0);
  const search = await alkor("node1", "alkor-cluster", "search-tags", "^(rack|owner)");
  t.deepEqual(search.stdout.trim().split("\n"), ["/cluster owner:ops", "/nodes/node3 rack:a1"]);
  const submitted = await alkor("node1", "alkor-cluster", "remove-tags", "env:test", "--submit");
  t.regex(submitted.stdout, /^JobID: \d+\n$/);
  const id = Number(/\d+/.exec(submitted.stdout)![0]);
  await waitFor("the removal to end", async () => jobEnded((await job("node1", id)).status));
  t.deepEqual((await alkor("node2", "alkor-cluster", "list-tags")).stdout.trim().split("\n"), ["owner:ops"]);
  const missing = await alkor("node2", "alkor-cluster", "remove-tags", "no-such-tag");
  t.is(missing.code, 1);
  t.regex(missing.stderr, /Failure: prerequisites not met for this operation:\nerror type: unknown_entity, error details:\nTag\(s\) 'no-such-tag' not found on the cluster\./);
  const list = await alkor("node3", "alkor-job", "list", "--no-headers");
  t.regex(list.stdout, new RegExp(`^${id} +success +TAGS_DEL\\(cluster\\)$`, "m"));
});

test.serial("a drained queue refuses new jobs with a clear error and keeps running the running one", async (t) => {
  const running = await submit("node1", [{ OP_ID: "OP_TEST_DELAY", duration: 2 }]);
  await waitFor("the delay to run", async () => (await job("node1", running)).status === "running");
  t.is((await alkor("node2", "alkor-cluster", "queue", "drain")).code, 0);
  t.is((await alkor("node3", "alkor-cluster", "queue", "info")).stdout.trim(), "The drain flag is set");
  const refused = await alkor("node3", "alkor-cluster", "add-tags", "late");
  t.is(refused.code, 1);
  t.regex(refused.stderr, /Job queue is drained, refusing job/);
  await waitFor("the running job to end", async () => jobEnded((await job("node2", running)).status), { timeoutMs: 15_000 });
  t.is((await job("node2", running)).status, "success");
  t.is((await alkor("node1", "alkor-cluster", "queue", "undrain")).code, 0);
  t.is((await alkor("node1", "alkor-cluster", "add-tags", "late")).code, 0);
});

test.serial("a master killed while a multi-opcode job runs: the job is not lost and no opcode runs twice", async (t) => {
  const first = await master();
  const id = await submit(first, [1, 2, 3].map(() => ({ OP_ID: "OP_TEST_DELAY", duration: 2, alkor_record: true })));
  await waitFor("the second opcode to run", async () => (await job(first, id)).ops[1]!.status === "running", { timeoutMs: 20_000 });
  await cluster.stopNode(first, "SIGKILL");
  const survivor = names.find((name) => name !== first)!;
  await waitFor("the job to end on the new master", async () => jobEnded((await job(survivor, id).catch(() => null))?.status ?? "queued"), { timeoutMs: 30_000 });
  const ended = await job(survivor, id);
  t.log(`job ${id} ${ended.status}: ${ended.ops.map((op) => op.status).join(", ")}; new master ${await master()}`);
  // The second opcode was started on the killed master: it is not run again, and the job says why.
  t.is(ended.status, "error");
  t.deepEqual(ended.ops.map((op) => op.status), ["success", "error", "error"]);
  t.regex((ended.ops[1]!.result as { message: string }).message, /The master changed while opcode 1 \(OP_TEST_DELAY\) of job \d+ was running; it is not run again/);
  const records = (await Promise.all(names.map((name) => readFile(join(cluster.node(name).dir, "state", "test-opcode-executions.log"), "utf8").catch(() => ""))))
    .join("")
    .split("\n")
    .filter((line) => line.startsWith(`job ${id} `));
  const perOpcode = (index: number) => records.filter((line) => line.startsWith(`job ${id} opcode ${index} `)).length;
  t.is(perOpcode(0), 1);
  t.true(perOpcode(1) <= 1, records.join("\n"));
  t.is(perOpcode(2), 0);
  await cluster.startNode(first);
  await waitFor("the old master to rejoin", async () => (await agreedMaster(sockets(names))) !== null, { timeoutMs: 20_000 });
  t.is((await job(first, id)).status, "error");
});

test.serial("a master killed while a job of cluster-state opcodes runs: the new master finishes it, each change made once", async (t) => {
  const first = await master();
  const tags = Array.from({ length: 100 }, (_, index) => `bulk-${index}`);
  const id = await submit(first, tags.map((tag) => ({ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: [tag] })));
  let atKill: Job | null = null;
  await waitFor("a few opcodes to end", async () => ((atKill = await job(first, id)).ops[5]!.status === "success"), { timeoutMs: 20_000, pollMs: 10 });
  await cluster.stopNode(first, "SIGKILL");
  const survivor = names.find((name) => name !== first && running(name))!;
  await waitFor("the job to end on the new master", async () => jobEnded((await job(survivor, id).catch(() => null))?.status ?? "queued"), { timeoutMs: 30_000 });
  const ended = await job(survivor, id);
  const doneAtKill = atKill!.ops.filter((op) => op.status === "success").length;
  t.log(`${doneAtKill} of 100 opcodes had ended when ${first} was killed; the job ended ${ended.status} on ${await master()}`);
  t.true(doneAtKill < 100, "the kill came while the job ran");
  t.is(ended.status, "success");
  const listed = (await alkor(survivor, "alkor-cluster", "list-tags")).stdout.trim().split("\n").filter((tag) => tag.startsWith("bulk-"));
  t.deepEqual(listed.sort(), [...tags].sort());
  await cluster.startNode(first);
  await waitFor("the old master to rejoin", async () => (await agreedMaster(sockets(names))) !== null, { timeoutMs: 20_000 });
});
