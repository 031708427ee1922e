import test from "ava";
import { writeFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { connect } from "node:tls";
import { pino } from "pino";
import { RapiServer } from "../../../../src/api/rapi/server.js";
import { systemClock } from "../../../../src/host/clock.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { waitFor } from "../../../helpers/wait.js";
import { malformedRequests } from "../../../helpers/rapi-client.js";
import { sampleJob } from "./fake-backend.js";
import { ADMIN, ha1, keysOf, OPERATOR, rapiRequest, READER, sample, sampleKeys, startTestRapi, testTls, usersFileText, type Answer, type TestRapi } from "./harness.js";

async function rapi(t: import("ava").ExecutionContext, limits?: Parameters<typeof startTestRapi>[0]): Promise<TestRapi> {
  const server = await startTestRapi(limits);
  t.teardown(server.close);
  return server;
}

/** A RAPI error answer: the status, and `{code, message, explain}` with code = status. */
function assertError(t: import("ava").ExecutionContext, answer: Answer, status: number, message?: string | RegExp): void {
  t.is(answer.status, status, answer.text);
  t.is(answer.headers["content-type"], "application/json");
  t.deepEqual(keysOf(answer.json), ["code", "explain", "message"]);
  const body = answer.json as { code: number; message: string };
  t.is(body.code, status);
  if (typeof message === "string") t.is(body.message, message);
  else if (message !== undefined) t.regex(body.message, message);
}

// ---- Shapes against Ganeti's recorded answers -----------------------------

test("/version, /2/tags and /2/features answer as Ganeti's do", async (t) => {
  const server = await rapi(t);
  t.deepEqual((await rapiRequest(server, "GET", "/version")).json, await sample("GET_version.json"));
  t.deepEqual((await rapiRequest(server, "GET", "/2/tags")).json, await sample("GET_2_tags.json"));
  const features = await rapiRequest(server, "GET", "/2/features");
  t.is(features.status, 200);
  t.deepEqual(features.json, ["instance-create-reqv1"], "alkor takes version 1 instance creation requests, none of Ganeti's other optional request formats yet");
});

test("/2/info carries only keys Ganeti's has, with the ones its client and tools read", async (t) => {
  const server = await rapi(t);
  const answer = await rapiRequest(server, "GET", "/2/info");
  t.is(answer.status, 200);
  const keys = keysOf(answer.json);
  const ganeti = await sampleKeys("GET_2_info.json");
  t.deepEqual(keys.filter((key) => !ganeti.includes(key)), []);
  for (const key of ["name", "master", "software_version", "protocol_version", "candidate_pool_size", "uuid", "tags", "ctime"]) t.true(keys.includes(key), key);
  t.like(answer.json, { name: "cluster.alkor.test", master: "node1.alkor.test" });
});

test("no answer shows the cluster's private key or join token", async (t) => {
  const server = await rapi(t);
  for (const path of ["/2/info", "/2/nodes?bulk=1", "/2/jobs?bulk=1", "/metrics", "/2/query/node/fields"]) {
    const answer = await rapiRequest(server, "GET", path);
    t.is(answer.status, 200, path);
    t.false(answer.text.includes("PRIVATE KEY"), path);
    t.false(answer.text.includes("join-token"), path);
  }
});

test("/2/nodes lists ids and URIs, and with bulk=1 Ganeti's node objects", async (t) => {
  const server = await rapi(t);
  const list = await rapiRequest(server, "GET", "/2/nodes");
  t.deepEqual(keysOf((list.json as unknown[])[0]), await sampleKeys("GET_2_nodes.json"));
  t.deepEqual((list.json as unknown[])[0], { id: "node1.alkor.test", uri: "/2/nodes/node1.alkor.test" });
  t.is((list.json as unknown[]).length, 4);
  const bulk = await rapiRequest(server, "GET", "/2/nodes?bulk=1");
  const bulkKeys = await sampleKeys("GET_2_nodes_bulk-1.json");
  for (const node of bulk.json as unknown[]) t.deepEqual(keysOf(node), bulkKeys);
  const one = await rapiRequest(server, "GET", "/2/nodes/node2.alkor.test");
  t.deepEqual(one.json, (bulk.json as unknown[])[1]);
});

test("/2/jobs lists ids and URIs; bulk=1 and /2/jobs/ID have rlib2's job fields", async (t) => {
  const server = await rapi(t);
  const list = await rapiRequest(server, "GET", "/2/jobs");
  t.deepEqual(list.json, [
    { id: 1, uri: "/2/jobs/1" },
    { id: 2, uri: "/2/jobs/2" },
    { id: 3, uri: "/2/jobs/3" },
  ]);
  t.deepEqual(keysOf((list.json as unknown[])[0]), await sampleKeys("GET_2_jobs.json"));
  const bulk = await rapiRequest(server, "GET", "/2/jobs?bulk=1");
  t.deepEqual(keysOf((bulk.json as unknown[])[0]), ["end_ts", "id", "ops", "opstatus", "received_ts", "start_ts", "status", "summary"]);
  const failed = await rapiRequest(server, "GET", "/2/jobs/2");
  t.deepEqual(keysOf(failed.json), await sampleKeys("GET_2_jobs_ID_failed-create.json"));
  t.like(failed.json, { status: "error", opresult: [["OpPrereqError", ["Tag tag2 is already set on the cluster", "already_exists"]]] });
});

test("/2/query/RESOURCE answers Ganeti's query result, by GET with fields or PUT with a filter", async (t) => {
  const server = await rapi(t);
  const get = await rapiRequest(server, "GET", "/2/query/node?fields=name,role,nosuch");
  t.deepEqual(get.json, {
    fields: [
      { name: "name", title: "Node", kind: "text", doc: "Node name" },
      { name: "role", title: "Role", kind: "text", doc: 'Node role; "M" for master, "C" for master candidate, "R" for regular, "D" for drained, "O" for offline' },
      { name: "nosuch", title: "nosuch", kind: "unknown", doc: "Unknown field 'nosuch'" },
    ],
    data: ["M", "C", "D", "O"].map((role, index) => [[0, `node${index + 1}.alkor.test`], [0, role], [1, null]]),
  });
  const put = await rapiRequest(server, "PUT", "/2/query/job", { json: { fields: ["id", "status"], qfilter: ["!=", "status", "success"], filter: ["!=", "status", "success"] } });
  t.deepEqual((put.json as { data: unknown }).data, [
    [[0, 2], [0, "error"]],
    [[0, 3], [0, "queued"]],
  ]);
  const fields = await rapiRequest(server, "GET", "/2/query/job/fields?fields=id,summary");
  t.deepEqual(fields.json, {
    fields: [
      { name: "id", title: "ID", kind: "number", doc: "Job ID" },
      { name: "summary", title: "Summary", kind: "other", doc: "List of per-opcode summaries" },
    ],
  });
  const all = await rapiRequest(server, "GET", "/2/query/node/fields", { auth: READER });
  t.true((all.json as { fields: unknown[] }).fields.length > 30);
});

test("/metrics answers Prometheus's text format", async (t) => {
  const server = await rapi(t);
  const answer = await rapiRequest(server, "GET", "/metrics", { auth: READER });
  t.is(answer.status, 200);
  t.is(answer.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  t.true(answer.text.includes('alkor_jobs{status="queued"} 1\n'));
  t.true(answer.text.includes("alkor_job_queue_depth 1\n"));
});

// ---- Writes ------------------------------------------------------------

test("PUT and DELETE /2/tags submit Ganeti's tag opcodes and answer the job id as a bare number", async (t) => {
  const server = await rapi(t);
  const put = await rapiRequest(server, "PUT", "/2/tags?tag=a&tag=b&dry-run=1&reason=test");
  t.is(put.status, 200);
  t.is(put.text, "100");
  const del = await rapiRequest(server, "DELETE", "/2/tags?tag=a");
  t.is(del.json, 101);
  t.deepEqual(server.backend.writes, [
    { call: "submit", args: [[{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["a", "b"], dry_run: true }], { submittedBy: "admin" }] },
    { call: "submit", args: [[{ OP_ID: "OP_TAGS_DEL", kind: "cluster", tags: ["a"] }], { submittedBy: "admin" }] },
  ]);
});

test("node tags take Ganeti's client's body (the same tags) and refuse a node that is not in the cluster", async (t) => {
  const server = await rapi(t);
  t.deepEqual((await rapiRequest(server, "GET", "/2/nodes/node1.alkor.test/tags")).json, ["rack:a"]);
  const put = await rapiRequest(server, "PUT", "/2/nodes/node2.alkor.test/tags?tag=x", { json: ["x"] });
  t.is(put.json, 100);
  t.deepEqual(server.backend.writes[0]!.args[0], [{ OP_ID: "OP_TAGS_SET", kind: "node", name: "node2.alkor.test", tags: ["x"] }]);
  assertError(t, await rapiRequest(server, "PUT", "/2/nodes/node2.alkor.test/tags?tag=x", { json: ["y"] }), 400, /other tags than the tag query parameters/);
  assertError(t, await rapiRequest(server, "PUT", "/2/nodes/node9.alkor.test/tags?tag=x"), 404, "Node node9.alkor.test is not in the cluster.");
  t.is(server.backend.writes.length, 1);
});

test("/2/nodes/N/role reads Ganeti's role names and PUT submits OP_NODE_SET_PARAMS", async (t) => {
  const server = await rapi(t);
  t.is((await rapiRequest(server, "GET", "/2/nodes/node1.alkor.test/role")).json, "master");
  t.is((await rapiRequest(server, "GET", "/2/nodes/node2.alkor.test/role")).json, "master-candidate");
  const put = await rapiRequest(server, "PUT", "/2/nodes/node2.alkor.test/role?force=1", { json: "drained" });
  t.is(put.json, 100);
  t.deepEqual(server.backend.writes[0]!.args[0], [{ OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2.alkor.test", drained: true, force: true }]);
  assertError(t, await rapiRequest(server, "PUT", "/2/nodes/node2.alkor.test/role", { json: "master" }), 400, /^Can't set 'master' role/);
  t.is(server.backend.writes.length, 1);
});

test("DELETE /2/jobs/ID cancels a queued job and answers Ganeti's [done, sentence]", async (t) => {
  const server = await rapi(t);
  t.deepEqual((await rapiRequest(server, "DELETE", "/2/jobs/3?dry-run=1")).json, [true, "Job 3 would be canceled."]);
  t.deepEqual(server.backend.writes, []);
  t.deepEqual((await rapiRequest(server, "DELETE", "/2/jobs/3")).json, [true, "Job 3 canceled."]);
  t.deepEqual((await rapiRequest(server, "DELETE", "/2/jobs/1")).json, [false, "Job 1 is success; only queued or waiting jobs can be canceled."]);
  assertError(t, await rapiRequest(server, "DELETE", "/2/jobs/77"), 404, "Job 77 does not exist.");
});

// ---- Long polls ------------------------------------------------------------

const WAIT_STATUS = { fields: ["status"], previous_job_info: null, previous_log_serial: null };

test("/2/jobs/ID/wait answers at once when the client knows nothing yet, in the sample's shape", async (t) => {
  const server = await rapi(t);
  const answer = await rapiRequest(server, "GET", "/2/jobs/3/wait", { json: WAIT_STATUS });
  t.deepEqual(answer.json, await sample("GET_2_jobs_ID_wait.json"));
  const ended = await rapiRequest(server, "GET", "/2/jobs/1/wait", { json: { ...WAIT_STATUS, previous_job_info: ["success"], previous_log_serial: 1 } });
  t.deepEqual(ended.json, { job_info: ["success"], log_entries: [] }, "an ended job does not wait (Ganeti's rule)");
});

test("/2/jobs/ID/wait returns as soon as the job changes, with the new log entries", async (t) => {
  const server = await rapi(t);
  const waiting = rapiRequest(server, "GET", "/2/jobs/3/wait", { json: { fields: ["status", "opstatus"], previous_job_info: ["queued", ["queued"]], previous_log_serial: 0 } });
  await waitFor("the long poll to wait in the queue", () => server.backend.pendingWaits === 1, { timeoutMs: 5000, pollMs: 10 });
  const running = sampleJob(3, "running");
  server.backend.updateJob(running);
  const answer = await waiting;
  t.deepEqual(answer.json, {
    job_info: ["running", ["running"]],
    log_entries: [[1, [Math.floor(running.ops[0]!.log[0]!.at / 1000), (running.ops[0]!.log[0]!.at % 1000) * 1000], "message", "setting tags"]],
  });
});

test("/2/jobs/ID/wait answers null when nothing changed within the wait timeout", async (t) => {
  const server = await rapi(t, { limits: { waitTimeoutMs: 200 } });
  const answer = await rapiRequest(server, "GET", "/2/jobs/3/wait", { json: { ...WAIT_STATUS, previous_job_info: ["queued"] } });
  t.is(answer.status, 200);
  t.is(answer.text, "null");
  t.is(server.backend.pendingWaits, 0);
});

test("more long polls than the cap are answered 503 with Retry-After, and the slot frees when one ends", async (t) => {
  const server = await rapi(t, { limits: { maxWaits: 1 } });
  const body = { json: { ...WAIT_STATUS, previous_job_info: ["queued"] } };
  const first = rapiRequest(server, "GET", "/2/jobs/3/wait", body);
  await waitFor("the first long poll to wait", () => server.backend.pendingWaits === 1, { timeoutMs: 5000, pollMs: 10 });
  const second = await rapiRequest(server, "GET", "/2/jobs/3/wait", body);
  assertError(t, second, 503, "Too many clients wait for job changes already (at most 1); try again shortly.");
  t.is(second.headers["retry-after"], "1");
  server.backend.updateJob(sampleJob(3, "running"));
  t.like((await first).json, { job_info: ["running"] });
  t.like((await rapiRequest(server, "GET", "/2/jobs/3/wait", body)).json, { job_info: ["running"] });
});

// ---- Authentication and authorization --------------------------------------------

test("a request without credentials gets Ganeti's exact 401 and the Basic challenge", async (t) => {
  const server = await rapi(t);
  for (const path of ["/2/info", "/version", "/2/nosuch", "/metrics"]) {
    const answer = await rapiRequest(server, "GET", path, { auth: null });
    t.is(answer.status, 401, path);
    t.deepEqual(answer.json, await sample("GET_2_info_noauth.error.json"));
    t.is(answer.headers["www-authenticate"], 'Basic realm="Ganeti Remote API"');
  }
  assertError(t, await rapiRequest(server, "GET", "/2/info", { auth: { user: "admin", password: "nope" } }), 401, "Wrong user name or password.");
});

test("a user with an {scrypt} password writes, once verified without hashing again", async (t) => {
  const server = await rapi(t);
  t.is((await rapiRequest(server, "PUT", "/2/tags?tag=a", { auth: OPERATOR })).json, 100);
  t.is((await rapiRequest(server, "PUT", "/2/tags?tag=b", { auth: OPERATOR })).json, 101);
  t.like(server.backend.writes[1], { args: [[{ tags: ["b"] }], { submittedBy: "operator" }] });
});

test("a read-only user reads, but writes and long polls are 403 and change nothing", async (t) => {
  const server = await rapi(t);
  t.is((await rapiRequest(server, "GET", "/2/nodes", { auth: READER })).status, 200);
  t.is((await rapiRequest(server, "PUT", "/2/query/node", { auth: READER, json: { fields: ["name"] } })).status, 200, "a query by PUT is a read");
  assertError(t, await rapiRequest(server, "PUT", "/2/tags?tag=a", { auth: READER }), 403, "User reader may only read; PUT /2/tags needs the write option in the users file.");
  assertError(t, await rapiRequest(server, "DELETE", "/2/jobs/3", { auth: READER }), 403);
  assertError(t, await rapiRequest(server, "PUT", "/2/nodes/node2.alkor.test/role", { auth: READER, json: "regular" }), 403);
  assertError(t, await rapiRequest(server, "GET", "/2/jobs/3/wait", { auth: READER, json: WAIT_STATUS }), 403);
  t.deepEqual(server.backend.writes, []);
});

test("picks up a changed users file without a restart", async (t) => {
  const server = await rapi(t, { limits: { usersCheckIntervalMs: 50 } });
  const newcomer = { user: "newcomer", password: "fresh-secret" };
  await writeFile(server.usersPath, `${await usersFileText()}${newcomer.user} {HA1}${ha1(newcomer)} write\n`);
  await waitFor("the new user to be let in", async () => (await rapiRequest(server, "GET", "/version", { auth: newcomer })).status === 200, {
    timeoutMs: 5000,
    pollMs: 20,
  });
  await writeFile(server.usersPath, `${ADMIN.user} {HA1}${ha1(ADMIN)} write\n`);
  await waitFor("the removed user to be refused", async () => (await rapiRequest(server, "GET", "/version", { auth: newcomer })).status === 401, {
    timeoutMs: 5000,
    pollMs: 20,
  });
  t.is((await rapiRequest(server, "GET", "/version", { auth: ADMIN })).status, 200);
});

test("refuses to start with a users file holding a clear-text password, naming the line", async (t) => {
  const server = await rapi(t);
  await writeFile(server.usersPath, "# ops\nops plaintext write\n");
  const fresh = new RapiServer({
    listen: { host: "127.0.0.1", port: 0 },
    tls: await testTls(),
    usersFile: server.usersPath,
    backend: server.backend,
    clock: systemClock,
    log: pino({ level: "silent" }),
  });
  const error = await t.throwsAsync(fresh.start(), { instanceOf: AlkorError });
  t.regex(error!.message, /line 2 \(user ops\): the password is in clear text/);
});

// ---- Malformed input ------------------------------------------------------------

test("each class of malformed request gets its 4xx with a RAPI error body, and nothing is written", async (t) => {
  const server = await rapi(t);
  const json = { "content-type": "application/json" };
  const cases: Array<[string, string, Parameters<typeof rapiRequest>[3], number, RegExp]> = [
    ["PUT", "/2/query/node", { body: "{fields:", headers: json }, 400, /^Unable to parse JSON data/],
    ["PUT", "/2/query/node", { body: '{"fields": ["name"]}', headers: { "content-type": "text/plain" } }, 415, /must be application\/json/],
    ["GET", "/2/nodes?bulk=2", {}, 400, /'bulk' parameter: it is 0 or 1/],
    ["GET", "/2/nodes?verbose=1", {}, 400, /Unknown query parameter 'verbose' for GET \/2\/nodes; it takes: bulk, reason/],
    ["GET", "/2/nodes/bad_name!", {}, 400, /is not a valid node name/],
    ["GET", "/2/nodes/..%2f..%2fetc", {}, 400, /is not a valid node name/],
    ["GET", "/2/jobs/0", {}, 400, /not a positive decimal integer/],
    ["GET", "/2/jobs/99999999999999999999", {}, 400, /not a positive decimal integer/],
    ["GET", "/2/jobs/42", {}, 404, /^Job 42 does not exist\.$/],
    ["GET", "/2/groups", {}, 404, /^Nothing matches/],
    ["GET", "/2/query/group?fields=name", {}, 404, /alkor answers queries on node, instance and job/],
    ["POST", "/2/tags", {}, 405, /use GET, PUT, DELETE/],
    ["GET", "/2/info", { json: { a: 1 } }, 400, /GET \/2\/info takes no request body/],
    ["GET", "/2/jobs/3/wait", { json: { fields: "status" } }, 400, /fields: /],
    ["GET", "/2/jobs/3/wait", { json: { fields: ["status"], previous_log_serial: 1, extra: true } }, 400, /Unrecognized key/],
    ["GET", "/2/jobs/3/wait", { json: { fields: ["nosuch"] } }, 400, /Unknown job field 'nosuch'/],
    ["PUT", "/2/tags", {}, 400, /Give the tags as tag query parameters/],
    ["PUT", "/2/tags?tag=bad%20tag", {}, 400, /Invalid tag "bad tag"/],
    ["PUT", "/2/query/node", { json: { fields: ["name"], qfilter: ["=~", "name", "x"] } }, 400, /regular expression operator/],
    ["GET", "/2/query/node", {}, 400, /Missing 'fields' query argument/],
  ];
  for (const [method, path, options, status, message] of cases) {
    assertError(t, await rapiRequest(server, method, path, options), status, message);
  }
  const allowed = await rapiRequest(server, "POST", "/2/tags");
  t.is(allowed.headers.allow, "GET, PUT, DELETE");
  t.deepEqual(server.backend.writes, []);
});

test("a body over 1 MiB is refused with 413, declared or streamed, and the connection closes", async (t) => {
  const server = await rapi(t);
  const declared = await new Promise<Answer>((resolve, reject) => {
    const [host, port] = server.server.address().split(":");
    const outgoing = httpsRequest(
      {
        host,
        port: Number(port),
        method: "PUT",
        path: "/2/query/node",
        agent: server.agent,
        headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}`, "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, text, json: JSON.parse(text) }));
      },
    );
    outgoing.on("error", reject);
    // Only the headers go out: the answer must come without the body.
    outgoing.flushHeaders();
  });
  assertError(t, declared, 413, "The request body is larger than 1048576 bytes.");
  t.is(declared.headers.connection, "close");

  const streamed = await rapiRequest(server, "PUT", "/2/query/node", { body: Buffer.alloc(1024 * 1024 + 1, 0x20), headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
  assertError(t, streamed, 413);
  t.is((await rapiRequest(server, "GET", "/version")).json, 2, "the server goes on");
});

test("1,000 generated malformed requests all get a 4xx RAPI error, change nothing, and the server stays up", async (t) => {
  const server = await rapi(t);
  const next = malformedRequests(20261123, { node: "node2.alkor.test", jobId: 3, admin: ADMIN, reader: READER });
  const statuses = new Map<number, number>();
  for (let index = 0; index < 1000; index += 1) {
    const [method, path, options] = next();
    const answer = await rapiRequest(server, method, path, options);
    t.true(answer.status >= 400 && answer.status < 500, `${method} ${path} answered ${answer.status}: ${answer.text}`);
    if (method !== "HEAD") {
      const body = answer.json as { code?: unknown } | undefined;
      t.is(body?.code, answer.status, `${method} ${path}: ${answer.text}`);
      t.deepEqual(keysOf(body), ["code", "explain", "message"]);
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
  t.deepEqual(server.backend.writes, [], "the backend saw no write");
  t.true(statuses.size >= 6, `a variety of refusals: ${JSON.stringify([...statuses])}`);
  t.is((await rapiRequest(server, "GET", "/version")).json, 2, "the server is alive");
});

test("what Node's HTTP parser refuses still gets a RAPI error body", async (t) => {
  const server = await rapi(t);
  const tls = await testTls();
  const [host, port] = server.server.address().split(":");
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host, port: Number(port), ca: tls.cert, checkServerIdentity: () => undefined }, () => socket.write("GARBAGE / HTTP/1.1\r\n\r\n"));
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
  t.true(text.startsWith("HTTP/1.1 400 Bad Request\r\n"), text);
  const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { code: number; message: string };
  t.is(body.code, 400);
  t.regex(body.message, /^The request could not be read: HPE_/);
});

// ---- Server faults ------------------------------------------------------------

test("a cluster that does not answer in time gets a 504, and an unexpected failure a 500 that leaks nothing and is logged", async (t) => {
  const server = await rapi(t, { limits: { answerTimeoutMs: 300, waitTimeoutMs: 100 } });
  server.backend.read = () => new Promise(() => {});
  assertError(t, await rapiRequest(server, "GET", "/2/info"), 504, "The cluster did not answer within 300 ms; try again.");
  server.backend.read = async () => {
    throw new Error("secret internals");
  };
  const failed = await rapiRequest(server, "GET", "/2/tags");
  assertError(t, failed, 500, "The RAPI server failed to answer; the agent's log has the details.");
  t.false(failed.text.includes("secret"));
  const warning = server.events.find((event) => event.level === 40 && event.path === "/2/tags");
  t.like(warning, { method: "GET", user: "admin", msg: "A RAPI request failed on the server's side: The RAPI server failed to answer; the agent's log has the details." });
  t.is((warning!.err as { message: string }).message, "secret internals", "the log has the details");
  server.backend.read = async () => {
    throw new AlkorError("environment_error", "The master cannot be reached.");
  };
  assertError(t, await rapiRequest(server, "GET", "/2/tags"), 503, "The master cannot be reached.");
});

test("logs one debug event per request", async (t) => {
  const server = await rapi(t);
  await rapiRequest(server, "GET", "/2/nodes?bulk=1", { auth: READER });
  await rapiRequest(server, "GET", "/2/nodes?bulk=7", { auth: READER });
  const requests = server.events.filter((event) => event.msg === "RAPI request");
  t.is(requests.length, 2);
  t.like(requests[0], { level: 20, method: "GET", path: "/2/nodes", status: 200, user: "reader", route: "GET /2/nodes" });
  t.like(requests[1], { status: 400, error: "Invalid value for the 'bulk' parameter: it is 0 or 1." });
});
