import test, { type ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type RequestListener } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { formatEndpoint, getJson, parseEndpoint, requestJson, resolveEndpoint, type Endpoint } from "../../../src/cli/endpoint.js";
import { AlkorError } from "../../../src/model/errors.js";

test("parses unix:/path and a bare absolute path as a unix socket", (t) => {
  t.deepEqual(parseEndpoint("unix:/run/alkor/alkord.sock"), { kind: "unix", socketPath: "/run/alkor/alkord.sock" });
  t.deepEqual(parseEndpoint("/tmp/a.sock"), { kind: "unix", socketPath: "/tmp/a.sock" });
});

test("parses http://host:port, with IPv6 literals and the default port", (t) => {
  t.deepEqual(parseEndpoint("http://127.0.0.1:8080"), { kind: "http", host: "127.0.0.1", port: 8080 });
  t.deepEqual(parseEndpoint("http://[::1]:8080/"), { kind: "http", host: "::1", port: 8080 });
  t.deepEqual(parseEndpoint("http://node1.example.com"), { kind: "http", host: "node1.example.com", port: 80 });
});

test("rejects endpoints it cannot use, saying what it expects", (t) => {
  for (const text of ["", "unix:", "relative.sock", "https://h:1", "http://h:1/api", "http://u:p@h:1", "http://h:1?x", "h:1"]) {
    const error = t.throws(() => parseEndpoint(text), { instanceOf: AlkorError }, text);
    t.is(error?.code, "wrong_input");
    t.is(error?.message, `Invalid endpoint ${JSON.stringify(text)}: expected unix:/path, an absolute socket path or http://host:port.`);
  }
});

test("formats endpoints back to the form the option accepts", (t) => {
  for (const text of ["unix:/run/alkor/alkord.sock", "http://127.0.0.1:8080", "http://[::1]:80"]) {
    t.is(formatEndpoint(parseEndpoint(text)), text);
  }
  t.is(formatEndpoint(parseEndpoint("/tmp/a.sock")), "unix:/tmp/a.sock");
});

test("prefers --endpoint to ALKOR_ENDPOINT, and that to the agent's default socket", (t) => {
  const env = { ALKOR_ENDPOINT: "unix:/from/env.sock" };
  t.deepEqual(resolveEndpoint("unix:/from/option.sock", env), { kind: "unix", socketPath: "/from/option.sock" });
  t.deepEqual(resolveEndpoint(undefined, env), { kind: "unix", socketPath: "/from/env.sock" });
  t.deepEqual(resolveEndpoint(undefined, {}), { kind: "unix", socketPath: "/run/alkor/alkord.sock" });
  t.deepEqual(resolveEndpoint(undefined, { ALKOR_ENDPOINT: "" }), { kind: "unix", socketPath: "/run/alkor/alkord.sock" });
});

test("names where a bad endpoint came from", (t) => {
  t.is(t.throws(() => resolveEndpoint("x", {}))?.message, 'Invalid endpoint "x": expected unix:/path, an absolute socket path or http://host:port (from --endpoint).');
  t.is(t.throws(() => resolveEndpoint(undefined, { ALKOR_ENDPOINT: "y" }))?.message, 'Invalid endpoint "y": expected unix:/path, an absolute socket path or http://host:port (from ALKOR_ENDPOINT).');
});

test("explains in one sentence that the agent cannot be reached over a missing socket", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-endpoint-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socketPath = join(dir, "alkord.sock");
  const error = await t.throwsAsync(getJson({ kind: "unix", socketPath }, "/v1/nodes", z.unknown()), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.is(error?.message, `Cannot reach the alkor agent at unix:${socketPath}: connect ENOENT. Is alkord running? Set ALKOR_ENDPOINT or --endpoint.`);
});

test("explains in one sentence that nothing listens on a TCP endpoint", async (t) => {
  // Port 9 (discard) has no listener on a test machine.
  const error = await t.throwsAsync(getJson(parseEndpoint("http://127.0.0.1:9"), "/v1/nodes", z.unknown()), { instanceOf: AlkorError });
  t.is(error?.message, "Cannot reach the alkor agent at http://127.0.0.1:9: connect ECONNREFUSED. Is alkord running? Set ALKOR_ENDPOINT or --endpoint.");
});

/** A raw HTTP server on a temporary unix socket, for answers the real API never gives. */
async function serve(t: ExecutionContext, listener: RequestListener): Promise<Endpoint> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-endpoint-"));
  const socketPath = join(dir, "api.sock");
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  return { kind: "unix", socketPath };
}

test("sends a body as JSON with its content type, and none on a DELETE", async (t) => {
  const endpoint = await serve(t, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const seen = { method: request.method, type: request.headers["content-type"] ?? null, body: Buffer.concat(chunks).toString("utf8") };
      response.end(JSON.stringify(seen));
    });
  });
  const seen = z.object({ method: z.string(), type: z.string().nullable(), body: z.string() });
  t.deepEqual(await requestJson(endpoint, "POST", "/v1/nodes", seen, { name: "node4" }), {
    method: "POST",
    type: "application/json",
    body: '{"name":"node4"}',
  });
  t.deepEqual(await requestJson(endpoint, "DELETE", "/v1/nodes/node4", seen), { method: "DELETE", type: null, body: "" });
});

test("names the request's method when the answer is not JSON or not in the expected form", async (t) => {
  const endpoint = await serve(t, (request, response) => {
    response.statusCode = request.method === "POST" ? 502 : 200;
    response.end(request.method === "POST" ? "Bad gateway" : "{}");
  });
  const post = await t.throwsAsync(requestJson(endpoint, "POST", "/v1/cluster/init", z.unknown(), {}), { instanceOf: AlkorError });
  t.is(post?.message, "The alkor agent answered POST /v1/cluster/init with HTTP 502 and a body that is not JSON.");
  const remove = await t.throwsAsync(requestJson(endpoint, "DELETE", "/v1/nodes/node4", z.object({ done: z.literal(true) })));
  t.is(remove?.message, "The alkor agent's answer to DELETE /v1/nodes/node4 is not in the expected form (done: Invalid input: expected true). Are alkord and the CLI the same version?");
});

test("names the request's method when the agent does not answer in time", async (t) => {
  const endpoint = await serve(t, () => {});
  const error = await t.throwsAsync(requestJson(endpoint, "POST", "/v1/cluster/master-failover", z.unknown(), undefined, 50), { instanceOf: AlkorError });
  t.is(error?.code, "timeout");
  t.is(error?.message, `The alkor agent at ${formatEndpoint(endpoint)} did not answer POST /v1/cluster/master-failover within 0.05 s.`);
});
