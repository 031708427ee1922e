import { request } from "node:http";
import type { z } from "zod";
import { ErrorBodySchema } from "../api/local/contract.js";
import { AlkorError } from "../model/errors.js";
import { cliIo } from "./io.js";

/** Where the local agent's control API is: its unix socket, or a TCP address. */
export type Endpoint = { kind: "unix"; socketPath: string } | { kind: "http"; host: string; port: number };

export const DEFAULT_ENDPOINT = "unix:/run/alkor/alkord.sock";
export const ENDPOINT_ENV = "ALKOR_ENDPOINT";

const EXPECTED = "expected unix:/path, an absolute socket path or http://host:port";

/** Parses `unix:/path`, a bare absolute path or `http://host:port`. */
export function parseEndpoint(text: string): Endpoint {
  if (text.startsWith("unix:") && text.length > "unix:".length) return { kind: "unix", socketPath: text.slice("unix:".length) };
  if (text.startsWith("/")) return { kind: "unix", socketPath: text };
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || !isPlainHttp(url)) throw new AlkorError("wrong_input", `Invalid endpoint ${JSON.stringify(text)}: ${EXPECTED}.`);
  // URL keeps IPv6 literals in brackets; node:http wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { kind: "http", host, port: url.port === "" ? 80 : Number(url.port) };
}

/** http with a host and nothing the client would silently drop (path, query, credentials). */
function isPlainHttp(url: URL): boolean {
  return url.protocol === "http:" && url.hostname !== "" && url.pathname === "/" && url.search === "" && url.hash === ""
    && url.username === "" && url.password === "";
}

export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === "unix") return `unix:${endpoint.socketPath}`;
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  return `http://${host}:${endpoint.port}`;
}

/** The --endpoint option, else $ALKOR_ENDPOINT, else the agent's default socket. */
export function resolveEndpoint(option: string | undefined, env: Readonly<Record<string, string | undefined>>): Endpoint {
  const fromEnv = env[ENDPOINT_ENV];
  if (option !== undefined) return withSource(option, "--endpoint");
  if (fromEnv !== undefined && fromEnv !== "") return withSource(fromEnv, ENDPOINT_ENV);
  return parseEndpoint(DEFAULT_ENDPOINT);
}

function withSource(text: string, source: string): Endpoint {
  try {
    return parseEndpoint(text);
  } catch (error) {
    throw new AlkorError("wrong_input", `${(error as Error).message.replace(/\.$/, "")} (from ${source}).`);
  }
}

/** The methods the control API uses. */
export type HttpMethod = "GET" | "POST" | "DELETE";

/**
 * Sends method and path to the agent, with body as JSON when given, and
 * validates the answer against schema. API errors become AlkorErrors with
 * the agent's code; a connection failure becomes one sentence that tells the
 * operator what to check.
 */
export function requestJson<T>(
  endpoint: Endpoint,
  method: HttpMethod,
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<T> {
  const target = endpoint.kind === "unix" ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = payload === undefined
    ? { accept: "application/json" }
    : { accept: "application/json", "content-type": "application/json", "content-length": Buffer.byteLength(payload) };
  const what = `${method} ${path}`;
  const { signal } = cliIo();
  const failed = (error: Error): AlkorError => {
    if (signal?.aborted) return new AlkorError("environment_error", `The command stopped waiting for ${what}: its caller went away.`);
    return error instanceof AlkorError ? error : unreachable(endpoint, error);
  };
  return new Promise<T>((resolve, reject) => {
    // agent: false so no keep-alive socket holds the command open after it is done.
    const outgoing = request({ ...target, path, method, agent: false, headers, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => reject(failed(error)));
      response.on("end", () => {
        try {
          resolve(readBody(what, response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), schema));
        } catch (error) {
          reject(error);
        }
      });
    });
    outgoing.setTimeout(timeoutMs, () => {
      outgoing.destroy(new AlkorError("timeout", `The alkor agent at ${formatEndpoint(endpoint)} did not answer ${what} within ${timeoutMs / 1000} s.`));
    });
    outgoing.on("error", (error) => reject(failed(error)));
    outgoing.end(payload);
  });
}

/** requestJson for a read, which has no body. */
export function getJson<T>(endpoint: Endpoint, path: string, schema: z.ZodType<T>, timeoutMs = 60_000): Promise<T> {
  return requestJson(endpoint, "GET", path, schema, undefined, timeoutMs);
}

/** The answer's body validated; `what` is the request as the operator should read it ("POST /v1/nodes"). */
function readBody<T>(what: string, status: number, text: string, schema: z.ZodType<T>): T {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new AlkorError("internal_error", `The alkor agent answered ${what} with HTTP ${status} and a body that is not JSON.`);
  }
  if (status < 200 || status > 299) {
    const failure = ErrorBodySchema.safeParse(document);
    if (failure.success) throw new AlkorError(failure.data.error.code, failure.data.error.message);
    throw new AlkorError("internal_error", `The alkor agent answered ${what} with HTTP ${status}.`);
  }
  const answer = schema.safeParse(document);
  if (answer.success) return answer.data;
  const problems = answer.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  throw new AlkorError(
    "internal_error",
    `The alkor agent's answer to ${what} is not in the expected form (${problems.join("; ")}). Are alkord and the CLI the same version?`,
  );
}

function unreachable(endpoint: Endpoint, error: NodeJS.ErrnoException): AlkorError {
  const reason = error.syscall !== undefined && error.code !== undefined ? `${error.syscall} ${error.code}` : error.message;
  const hint = error.code === "EACCES"
    ? "Run as root or as a member of the socket's group."
    : `Is alkord running? Set ${ENDPOINT_ENV} or --endpoint.`;
  return new AlkorError("environment_error", `Cannot reach the alkor agent at ${formatEndpoint(endpoint)}: ${reason}. ${hint}`);
}
