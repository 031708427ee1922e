import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { promisify } from "node:util";
import test from "ava";
import { hashRapiPassword } from "../../../src/api/rapi/users.js";
import { agreedMaster, clusterInfo } from "../../../src/demo/cluster-probe.js";
import type { LocalCluster } from "../../../src/demo/local-cluster.js";
import { siteCluster } from "../../helpers/site-cluster.js";
import { cryptoRandom } from "../../../src/host/random.js";
import { malformedRequests, rapiCall, type Credentials, type RequestOptions } from "../../helpers/rapi-client.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * The RAPI of a real three-node cluster, on the cluster IP: the cluster's
 * certificate, Ganeti's own Python client, a read-only user, and a flood of
 * malformed requests.
 */
const run = promisify(execFile);
const prefix = "127.0.28";
const clusterIp = `${prefix}.254`;
const port = 5080;
const admin: Credentials = { user: "admin", password: "admin-password-1" };
const reader: Credentials = { user: "viewer", password: "viewer-password-1" };
// The cluster's certificate is self-signed and made at its first start: the tests check it is one, not who signed it.
const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
let baseDir: string;
let cluster: LocalCluster;

test.before(async () => {
  baseDir = await mkdtemp(join(tmpdir(), "alkor-rapi-"));
  cluster = siteCluster({ baseDir, prefix, name: "rapi" });
  await cluster.writeRapiUsers([`${admin.user} ${await hashRapiPassword(admin.password, cryptoRandom)} write`, `${reader.user} ${await hashRapiPassword(reader.password, cryptoRandom)}`]);
  await cluster.start();
  const sockets = cluster.nodes.map((node) => node.controlSocket);
  await waitFor("the cluster to form", async () => (await agreedMaster(sockets)) !== null, { timeoutMs: 30_000 });
  await waitFor("the RAPI on the cluster IP", async () => (await call("GET", "/version").catch(() => null))?.status === 200, { timeoutMs: 30_000, pollMs: 200 });
});

test.after.always(async () => {
  agent.destroy();
  await cluster?.stop();
  if (baseDir) await rm(baseDir, { recursive: true, force: true });
});

function call(method: string, path: string, options: RequestOptions = {}, host = clusterIp) {
  return rapiCall({ host, port, agent }, method, path, { auth: admin, ...options });
}

function certificateOf(host: string): Promise<{ fingerprint: string; subject: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve({ fingerprint: peer.fingerprint256, subject: peer.subject.CN as string });
    });
    socket.on("error", reject);
  });
}

async function serial(): Promise<number> {
  return (await clusterInfo(cluster.node("node1").controlSocket)).serial;
}

test.serial("every node and the cluster IP serve the RAPI with the one cluster certificate", async (t) => {
  const certificates = await Promise.all([clusterIp, ...cluster.nodes.map((node) => node.address)].map(certificateOf));
  t.is(new Set(certificates.map((certificate) => certificate.fingerprint)).size, 1);
  t.is(certificates[0]!.subject, "rapi");
  for (const node of cluster.nodes) t.is((await call("GET", "/2/info", {}, node.address)).status, 200, node.name);
});

test.serial("Ganeti's own Python client reads the cluster, runs jobs and waits for them, and creates, queries, starts, stops and removes an instance, unchanged", async (t) => {
  const script = join(process.cwd(), "test", "integration", "jobs", "ganeti-client-flow.py");
  const { stdout } = await run("/usr/bin/python3", [script, clusterIp, String(port), admin.user, admin.password, "node3"], { timeout: 120_000 });
  const out = JSON.parse(stdout) as Record<string, unknown>;
  t.like(out["info"], { name: "rapi" });
  t.deepEqual(out["nodes"], ["node1", "node2", "node3"]);
  t.is((out["nodes_bulk"] as Array<{ name: string }>).map((node) => node.name).join(), "node1,node2,node3");
  t.like(out["node"], { name: "node3" });
  t.is(out["add_tags_status"], "success");
  t.like(out["job_status"], { id: out["add_tags_job"], status: "success", summary: ["TAGS_SET(cluster)"] });
  t.deepEqual(out["tags_after_add"], ["from-ganeti", "owner:rapi"]);
  t.is(out["delete_tags_status"], "success");
  t.deepEqual(out["tags_after_delete"], ["owner:rapi"]);
  t.is(out["drain_status"], "success");
  t.is(out["role_drained"], "drained");
  t.is(out["regular_status"], "success");
  t.is(out["role_regular"], "regular");
  t.true((out["jobs"] as number[]).includes(out["add_tags_job"] as number));
  t.is(out["create_status"], "success");
  t.like(out["instance_created"], { name: "ganeti1", pnode: "node3", status: "running", oper_state: true, oper_ram: 128, disk_template: "diskless" });
  t.is(out["shutdown_status"], "success");
  t.like(out["instance_stopped"], { status: "ADMIN_down", oper_state: false, admin_state: "down" });
  t.is(out["startup_status"], "success");
  t.like(out["instance_started"], { status: "running", admin_state: "up" });
  t.is(out["instance_info_status"], "success");
  t.like((out["instance_info"] as Record<string, unknown>)["ganeti1"], { name: "ganeti1", config_state: "up", run_state: "up", pnode: "node3", disk_template: "diskless", hypervisor: "kvm" });
  t.is(out["remove_status"], "success");
  t.deepEqual(out["instances_after_remove"], []);
});

test.serial("a read-only user reads but changes nothing", async (t) => {
  const before = await serial();
  t.is((await call("GET", "/2/tags", { auth: reader })).status, 200);
  for (const [method, path, json] of [
    ["PUT", "/2/tags?tag=nope", undefined],
    ["DELETE", "/2/tags?tag=owner:rapi", undefined],
    ["PUT", "/2/nodes/node2/role", "drained"],
    ["PUT", "/2/nodes/node2/tags?tag=nope", undefined],
    ["DELETE", "/2/jobs/1", undefined],
  ] as const) {
    const answer = await call(method, path, { auth: reader, ...(json === undefined ? {} : { json }) });
    t.is(answer.status, 403, `${method} ${path}: ${answer.text}`);
  }
  t.is(await serial(), before, "nothing was committed");
});

test.serial("1,000 malformed requests to a real agent: each a clear 4xx, no state change, the agent alive", async (t) => {
  const before = await serial();
  const next = malformedRequests(20261124, { node: "node2", jobId: 1, admin, reader });
  const statuses = new Map<number, number>();
  for (let index = 0; index < 1000; index += 1) {
    const [method, path, options] = next();
    const answer = await call(method, path, options);
    t.true(answer.status >= 400 && answer.status < 500, `${method} ${path} answered ${answer.status}: ${answer.text}`);
    if (method !== "HEAD") t.is((answer.json as { code?: number } | undefined)?.code, answer.status, `${method} ${path}: ${answer.text}`);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
  // Just over the limit, streamed: the answer comes before the client is cut off mid-write.
  const huge = await call("PUT", "/2/query/node", { body: Buffer.alloc(1024 * 1024 + 1, 0x20), headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
  t.is(huge.status, 413, "a body over 1 MiB is refused");
  t.log(`answers: ${[...statuses].sort().map(([status, count]) => `${status}×${count}`).join(", ")}`);
  t.is(await serial(), before, "no change was committed");
  t.is((await call("GET", "/version")).json, 2, "the agent answers");
  for (const node of cluster.nodes) t.is(node.process?.exitCode, null, `${node.name} is running`);
});

test.serial("/metrics shows jobs by status, the queue and the membership, for Prometheus", async (t) => {
  const answer = await call("GET", "/metrics");
  t.is(answer.status, 200);
  t.regex(answer.text, /^alkor_jobs\{status="success"\} \d+$/m);
  t.regex(answer.text, /^alkor_nodes\{liveness="alive"\} 3$/m);
});
