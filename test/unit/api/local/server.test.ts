import test from "ava";
import { spawn } from "node:child_process";
import { lstat, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { NODES_PATH, NodeListBodySchema, nodePath } from "../../../../src/api/local/contract.js";
import { NodeInfoSchema } from "../../../../src/api/local/node-directory.js";
import { LocalApiServer } from "../../../../src/api/local/server.js";
import { getJson, parseEndpoint, type Endpoint } from "../../../../src/cli/endpoint.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { FakeClusterControl } from "../../cli/fake-cluster-control.js";
import { FakeNodeDirectory, SAMPLE_NODES, startTestServer } from "./fake-node-directory.js";
import { rawRequest } from "./raw-request.js";

const silent = pino({ level: "silent" });

function rawExchange(socketPath: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath, () => socket.write(text));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

function unixEndpoint(socketPath: string): Endpoint {
  return { kind: "unix", socketPath };
}

test("lists the directory's nodes at GET /v1/nodes", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const body = await getJson(unixEndpoint(api.socketPath), NODES_PATH, NodeListBodySchema);
  t.deepEqual(body.nodes, SAMPLE_NODES);
});

test("serves a node's info with its inventory at GET /v1/nodes/NAME", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const info = await getJson(unixEndpoint(api.socketPath), nodePath("node1"), NodeInfoSchema);
  t.is(info.node.name, "node1");
  t.deepEqual(info.inventory, { cpu: { brand: "Xeon", cores: 4 }, disks: [{ name: "sda", sizeBytes: 512 }], nics: [] });
  t.is(info.inventoryError, undefined);
});

test("passes on why a node's inventory is unavailable", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const info = await getJson(unixEndpoint(api.socketPath), nodePath("node10"), NodeInfoSchema);
  t.is(info.inventory, null);
  t.is(info.inventoryError, "node is dead");
});

test("answers 404 unknown_entity for a node the directory does not know, which the client raises as an AlkorError", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const raw = await rawRequest(api.socketPath, "GET", "/v1/nodes/nosuch");
  t.is(raw.status, 404);
  t.deepEqual(raw.body, { error: { code: "unknown_entity", message: "Node nosuch is not known to this agent." } });
  const error = await t.throwsAsync(getJson(unixEndpoint(api.socketPath), nodePath("nosuch"), NodeInfoSchema), { instanceOf: AlkorError });
  t.is(error?.code, "unknown_entity");
  t.is(error?.message, "Node nosuch is not known to this agent.");
});

test("answers 404 for a path it does not serve", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  for (const path of ["/", "/v1/networks", "/v1/instances/web1/extra", "/v1/nodes/node1/extra", "/v2/nodes", "/v1/nodes/node1/modify", "/v1/cluster/modify"]) {
    const raw = await rawRequest(api.socketPath, "GET", path);
    t.is(raw.status, 404, path);
    t.like(raw.body, { error: { code: "unknown_entity" } }, path);
  }
});

test("answers 405 naming the allowed methods for a method a path does not take", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const cases = [
    // Nodes are added, removed and modified by jobs (POST /v1/jobs), not here.
    ["POST", "/v1/nodes", "GET"],
    ["DELETE", "/v1/nodes/node1", "GET"],
    ["POST", "/v1/cluster", "GET"],
    ["GET", "/v1/cluster/init", "POST"],
  ] as const;
  for (const [method, path, allowed] of cases) {
    const raw = await rawRequest(api.socketPath, method, path);
    t.is(raw.status, 405, path);
    t.is(raw.headers.allow, allowed, path);
    t.like(raw.body, { error: { code: "wrong_input", message: `Method ${method} is not allowed on ${path}; use ${allowed}.` } }, path);
  }
});

test("a malformed or invalid request body is refused as wrong_input, naming the problem", async (t) => {
  const api = await startTestServer(undefined, new FakeClusterControl());
  t.teardown(api.close);
  const notJson = await rawRequest(api.socketPath, "POST", "/v1/cluster/init", "{name:");
  t.is(notJson.status, 400);
  t.regex((notJson.body as { error: { message: string } }).error.message, /request body for \/v1\/cluster\/init is not valid JSON/);
  const invalid = await rawRequest(api.socketPath, "POST", "/v1/cluster/init", JSON.stringify({ name: "lab", clusterIp: "192.0.2.1", joinToken: "short" }));
  t.is(invalid.status, 400);
  t.regex((invalid.body as { error: { message: string } }).error.message, /joinToken: must be at least 8 characters/);
});

test("cluster operations are refused when the agent serves none", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const raw = await rawRequest(api.socketPath, "GET", "/v1/cluster/status");
  t.is(raw.status, 409);
  t.like(raw.body, { error: { code: "wrong_state" } });
});

test("answers 400 wrong_input for a node name that is not a host name", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  for (const path of ["/v1/nodes/bad%20name", "/v1/nodes/%E0%A4%A"]) {
    const raw = await rawRequest(api.socketPath, "GET", path);
    t.is(raw.status, 400, path);
    t.like(raw.body, { error: { code: "wrong_input" } }, path);
  }
});

test("turns an unexpected failure of the directory into 500 internal_error and keeps serving", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const raw = await rawRequest(api.socketPath, "GET", "/v1/nodes/explodes");
  t.is(raw.status, 500);
  t.deepEqual(raw.body, { error: { code: "internal_error", message: "directory bug" } });
  t.is((await rawRequest(api.socketPath, "GET", NODES_PATH)).status, 200);
});

test("answers a garbage request line with 400 and keeps serving", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const answer = await rawExchange(api.socketPath, "\x00\xff GARBAGE \r\n\r\n");
  t.regex(answer, /^HTTP\/1\.1 400 /);
  const oversized = await rawExchange(api.socketPath, `GET /v1/nodes HTTP/1.1\r\nX: ${"a".repeat(64 * 1024)}\r\n\r\n`);
  t.regex(oversized, /^HTTP\/1\.1 431 /);
  t.is((await rawRequest(api.socketPath, "GET", NODES_PATH)).status, 200);
});

test("creates the socket's parent directory and makes the socket 0660", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const stats = await lstat(api.socketPath);
  t.true(stats.isSocket());
  t.is(stats.mode & 0o777, 0o660);
  t.is(api.server.endpoint(), `unix:${api.socketPath}`);
});

test("replaces a stale socket file left by an agent that died", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-api-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socketPath = join(dir, "alkord.sock");
  // An agent killed with SIGKILL leaves its socket file behind.
  const dead = spawn(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(socketPath)}, () => console.log("ready"))`]);
  await new Promise((resolve) => dead.stdout.once("data", resolve));
  dead.kill("SIGKILL");
  await new Promise((resolve) => dead.once("exit", resolve));
  t.true((await lstat(socketPath)).isSocket());

  const server = new LocalApiServer({ listen: { socketPath }, directory: new FakeNodeDirectory(SAMPLE_NODES), log: silent });
  await server.start();
  t.teardown(() => server.stop());
  t.is((await rawRequest(socketPath, "GET", NODES_PATH)).status, 200);
});

test("refuses to start when another agent serves the socket", async (t) => {
  const api = await startTestServer();
  t.teardown(api.close);
  const second = new LocalApiServer({ listen: { socketPath: api.socketPath }, directory: new FakeNodeDirectory([]), log: silent });
  const error = await t.throwsAsync(second.start(), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error!.message, /Another process is serving .*alkord\.sock; is alkord already running\?/);
  await second.stop();
  t.is((await rawRequest(api.socketPath, "GET", NODES_PATH)).status, 200);
});

test("refuses to replace a file that is not a socket", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-api-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socketPath = join(dir, "alkord.sock");
  await writeFile(socketPath, "precious");
  const server = new LocalApiServer({ listen: { socketPath }, directory: new FakeNodeDirectory([]), log: silent });
  const error = await t.throwsAsync(server.start(), { instanceOf: AlkorError });
  t.is(error?.message, `${socketPath} exists and is not a socket; refusing to replace it.`);
});

test("listens on a TCP host and port when given one", async (t) => {
  const server = new LocalApiServer({ listen: { host: "127.0.0.1", port: 0 }, directory: new FakeNodeDirectory(SAMPLE_NODES), log: silent });
  await server.start();
  t.teardown(() => server.stop());
  t.regex(server.endpoint(), /^http:\/\/127\.0\.0\.1:\d+$/);
  const body = await getJson(parseEndpoint(server.endpoint()), NODES_PATH, NodeListBodySchema);
  t.is(body.nodes.length, SAMPLE_NODES.length);
});

test("reports a TCP port in use as an environment error", async (t) => {
  const first = new LocalApiServer({ listen: { host: "127.0.0.1", port: 0 }, directory: new FakeNodeDirectory([]), log: silent });
  await first.start();
  t.teardown(() => first.stop());
  const port = parseEndpoint(first.endpoint());
  if (port.kind !== "http") return t.fail();
  const second = new LocalApiServer({ listen: { host: "127.0.0.1", port: port.port }, directory: new FakeNodeDirectory([]), log: silent });
  const error = await t.throwsAsync(second.start(), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error!.message, /^The local API cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
});

test("stop closes idle keep-alive connections and removes the socket file", async (t) => {
  const api = await startTestServer();
  const socket = connect(api.socketPath);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.write("GET /v1/nodes HTTP/1.1\r\nHost: local\r\nConnection: keep-alive\r\n\r\n");
  await new Promise((resolve) => socket.once("data", resolve));
  await api.server.stop();
  await closed;
  await t.throwsAsync(lstat(api.socketPath), { code: "ENOENT" });
  await api.close();
});

test("stop is harmless before start and after a failed start", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-api-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const notADirectory = join(dir, "file");
  await writeFile(notADirectory, "");
  const server = new LocalApiServer({ listen: { socketPath: join(notADirectory, "alkord.sock") }, directory: new FakeNodeDirectory([]), log: silent });
  await t.notThrowsAsync(server.stop());
  const error = await t.throwsAsync(server.start(), { instanceOf: AlkorError });
  t.regex(error!.message, /^The local API cannot listen on .*alkord\.sock: /);
  await t.notThrowsAsync(server.stop());
});
