import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { formatEndpoint, getJson, parseEndpoint, resolveEndpoint } from "../../../src/cli/endpoint.js";
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
