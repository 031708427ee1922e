import type { ExecutionContext } from "ava";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RapiServer, type RapiLimits } from "../../../../src/api/rapi/server.js";
import { hashRapiPassword, RAPI_AUTH_REALM } from "../../../../src/api/rapi/users.js";
import { systemClock } from "../../../../src/host/clock.js";
import { processExec } from "../../../../src/host/exec.js";
import { cryptoRandom } from "../../../../src/host/random.js";
import { makeSelfSignedCertificate, type TlsPair } from "../../../../src/host/tls/self-signed.js";
import { rapiCall, type Answer, type Credentials, type RequestOptions } from "../../../helpers/rapi-client.js";
import { memoryLogger } from "../../../helpers/log.js";
import { FakeRapiBackend } from "./fake-backend.js";

/**
 * Users with the write option ({HA1}, as Ganeti's documentation writes it,
 * and {scrypt}) and a read-only one. Most tests log in as ADMIN: a wrong
 * {scrypt} password costs half a second on a loaded test machine.
 */
export const ADMIN: Credentials = { user: "admin", password: "admin-secret" };
export const OPERATOR: Credentials = { user: "operator", password: "operator-secret" };
export const READER: Credentials = { user: "reader", password: "reader-secret" };

export function ha1(credentials: Credentials): string {
  return createHash("md5").update(`${credentials.user}:${RAPI_AUTH_REALM}:${credentials.password}`).digest("hex");
}

let tls: Promise<TlsPair> | undefined;

/** A self-signed P-256 certificate for CN=test, made once per test process. */
export function testTls(): Promise<TlsPair> {
  tls ??= makeSelfSignedCertificate(processExec, "test", 1);
  return tls;
}

let operatorHash: Promise<string> | undefined;

export async function usersFileText(): Promise<string> {
  operatorHash ??= hashRapiPassword(OPERATOR.password, cryptoRandom);
  return `# RAPI users\n${ADMIN.user} {HA1}${ha1(ADMIN)} write\n${OPERATOR.user} ${await operatorHash} write\n\n${READER.user} {HA1}${ha1(READER)} read\n`;
}

export interface TestRapi {
  server: RapiServer;
  backend: FakeRapiBackend;
  usersPath: string;
  events: Array<Record<string, unknown>>;
  /** An agent that keeps connections open, trusting the test certificate. */
  agent: Agent;
  close(): Promise<void>;
}

/** A real RapiServer on 127.0.0.1 with a random port, over the fake backend. */
export async function startTestRapi(options: { limits?: Partial<RapiLimits> } = {}): Promise<TestRapi> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-rapi-"));
  const usersPath = join(dir, "users");
  await writeFile(usersPath, await usersFileText());
  const backend = new FakeRapiBackend();
  const { log, events } = memoryLogger();
  const credentials = await testTls();
  const server = new RapiServer({
    listen: { host: "127.0.0.1", port: 0 },
    tls: credentials,
    usersFile: usersPath,
    backend,
    clock: systemClock,
    log,
    limits: options.limits,
  });
  await server.start();
  const agent = new Agent({ keepAlive: true, ca: credentials.cert, checkServerIdentity: () => undefined });
  return {
    server,
    backend,
    usersPath,
    events,
    agent,
    close: async () => {
      agent.destroy();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One HTTPS request to the test server; ADMIN's credentials unless told otherwise. */
export function rapiRequest(rapi: TestRapi, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const [host, port] = rapi.server.address().split(":");
  return rapiCall({ host: host!, port: Number(port), agent: rapi.agent }, method, path, { auth: ADMIN, ...options });
}

/** A recorded answer of Ganeti's RAPI (see samples/README.md). */
export async function sample(file: string): Promise<unknown> {
  return JSON.parse(await readFile(join(process.cwd(), "test", "unit", "api", "rapi", "samples", file), "utf8"));
}

/** The sorted key set of a sample's object, or of its first element. */
export async function sampleKeys(file: string): Promise<string[]> {
  const document = await sample(file);
  return keysOf(Array.isArray(document) ? document[0] : document);
}

export function keysOf(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

export type { Answer, Credentials, RequestOptions };

/** A test RAPI over a fake backend, closed when the test ends. */
export async function rapiFor(t: ExecutionContext): Promise<TestRapi> {
  const server = await startTestRapi();
  t.teardown(server.close);
  return server;
}

/** A RAPI error answer in Ganeti's shape: the status, {code, explain, message}, the message as expected. */
export function assertRapiError(t: ExecutionContext, answer: Answer, status: number, message: RegExp): void {
  t.is(answer.status, status, answer.text);
  t.deepEqual(keysOf(answer.json), ["code", "explain", "message"]);
  t.is((answer.json as { code: number }).code, status);
  t.regex((answer.json as { message: string }).message, message);
}
