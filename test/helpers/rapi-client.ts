import type { IncomingHttpHeaders } from "node:http";
import { request, type Agent } from "node:https";

/** A RAPI user's name and password. */
export interface Credentials {
  user: string;
  password: string;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface RequestOptions {
  /** The credentials to send; null for none; a string is sent as the Authorization header. */
  auth?: Credentials | null | string;
  /** A value to send as application/json. */
  json?: unknown;
  /** A raw body, sent with the given headers only. */
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** One HTTPS request to a RAPI server; `agent` decides which certificate is trusted. */
export function rapiCall(target: { host: string; port: number; agent: Agent }, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const auth = options.auth ?? null;
  const headers: Record<string, string> = { ...options.headers };
  if (typeof auth === "string") headers.authorization = auth;
  else if (auth !== null) headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] = "application/json";
  }
  // Node's client sends a GET's body without a length unless told one (curl, under Ganeti's client, always sends it).
  if (body !== undefined && headers["transfer-encoding"] === undefined) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: target.host, port: target.port, method, path, headers, agent: target.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode!, headers: response.headers, text, json });
      });
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/**
 * A generator of malformed RAPI requests from a seed: bad names, path
 * traversal, bad job ids and flags, unknown paths and methods, bad tags, bad
 * or missing credentials, a read-only user's writes, bad JSON and content
 * types, bad filters and wait bodies. Every one must get a 4xx.
 */
export function malformedRequests(seed: number, names: { node: string; jobId: number; admin: Credentials; reader: Credentials }): () => [string, string, RequestOptions] {
  let state = seed;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const pick = <T>(items: readonly T[]): T => items[random(items.length)]!;
  const junk = (): string => {
    const alphabet = "abcXYZ019-._~!$&'()*+,;=:@%/?#[] \"<>\\^`{|}\u00e9\u2603";
    return Array.from({ length: 1 + random(24) }, () => pick([...alphabet])).join("");
  };
  const ascii = (): string => junk().replace(/[^\x20-\x7e]/g, "?");
  const segment = (): string => encodeURIComponent(junk()).replace(/%2F/gi, pick(["%2f", "%2F", "%252f"]));
  const { node, jobId, admin, reader } = names;
  const generators: Array<() => [string, string, RequestOptions]> = [
    () => ["GET", `/2/nodes/${segment()}_`, {}],
    () => ["GET", `/2/nodes/..%2f${segment()}`, {}],
    () => ["GET", `/2/jobs/${pick(["0", "-1", "1.5", "0x10", "1e3", "01", "99999999999999999", segment()])}`, {}],
    () => ["GET", `/2/nodes?${pick(["bulk", "force", "lock", "x"])}=${pick(["2", "yes", "", "true", "-1"])}`, {}],
    () => ["GET", `/2/${segment()}/${segment()}`, {}],
    () => [pick(["POST", "PATCH", "OPTIONS", "HEAD"]), "/2/tags", {}],
    () => ["PUT", `/2/tags?tag=${encodeURIComponent(`${junk()} `)}`, {}],
    () => ["PUT", "/2/tags?tag=ok", { auth: reader }],
    () => ["PUT", "/2/tags?tag=ok", { auth: pick([null, `Basic ${ascii()}`, "Digest x", { user: admin.user, password: junk() }]) }],
    () => ["PUT", `/2/nodes/${node}/role`, { json: pick(["master", "boss", 7, null, ["regular"], { role: "x" }]) }],
    () => ["PUT", "/2/query/node", { body: `{${junk()}`, headers: { "content-type": "application/json" } }],
    () => ["PUT", "/2/query/node", { body: '{"fields":["name"]}', headers: { "content-type": pick(["text/plain", "application/xml", "multipart/form-data"]) } }],
    () => ["PUT", "/2/query/job", { json: { fields: ["id"], qfilter: pick([["=~", "status", "x"], ["?"], ["=", "id", "1"], [`op${junk()}`], "x", 5, [[[]]]]) } }],
    () => ["GET", `/2/jobs/${jobId}/wait`, { json: pick([{}, { fields: [] }, { fields: [junk()] }, { fields: ["status"], previous_log_serial: -1 }, { fields: ["status"], x: 1 }]) }],
    () => ["GET", `/2/info?${segment()}=1`, {}],
    () => ["DELETE", `/2/nodes/${pick([node, "x"])}/tags?tag=${pick(["", "%zz", "a&tag="])}`, {}],
    () => ["GET", `/metrics`, { json: [1, 2, 3] }],
  ];
  return () => {
    const [method, path, options] = pick(generators)();
    return [method, path, { auth: admin, ...options }];
  };
}
