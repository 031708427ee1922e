import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { Service } from "../../agent/lifecycle.js";
import { AlkorError, asAlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import type { z } from "zod";
import type { ClusterControl } from "./cluster-control.js";
import {
  CLUSTER_FAILOVER_PATH,
  CLUSTER_INIT_PATH,
  CLUSTER_MASTER_PATH,
  CLUSTER_MODIFY_PATH,
  CLUSTER_PATH,
  CLUSTER_STATUS_PATH,
  ClusterInitRequestSchema,
  ClusterModifyRequestSchema,
  HTTP_STATUS_BY_CODE,
  NODES_PATH,
  NodeAddRequestSchema,
  NodeModifyRequestSchema,
} from "./contract.js";
import type { NodeDirectory } from "./node-directory.js";

/** A unix socket (the default, guarded by file permissions) or a TCP address. */
export type LocalApiListen = { socketPath: string } | { host: string; port: number };

export interface LocalApiServerOptions {
  listen: LocalApiListen;
  directory: NodeDirectory;
  /** Absent in tests of the node queries alone. */
  cluster?: ClusterControl;
  log: Logger;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Request {
  method: string;
  path: string;
  /** The JSON body, validated against a schema. */
  body<T>(schema: z.ZodType<T>): T;
}

const maxBodyBytes = 64 * 1024;

/** The agent's local control API, which the alkor-* commands talk to. */
export class LocalApiServer implements Service {
  readonly name = "local-api";
  private server: Server | undefined;

  constructor(private readonly options: LocalApiServerOptions) {}

  async start(): Promise<void> {
    const { listen } = this.options;
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.options.log.error({ err: error }, "Local API failed to answer a request.");
        response.destroy();
      });
    });
    try {
      if ("socketPath" in listen) await prepareSocketPath(listen.socketPath);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        const listening = (): void => {
          server.off("error", reject);
          resolve();
        };
        if ("socketPath" in listen) server.listen(listen.socketPath, listening);
        else server.listen(listen.port, listen.host, listening);
      });
      this.server = server;
      // Only root and the socket's group may drive the cluster.
      if ("socketPath" in listen) await chmod(listen.socketPath, 0o660);
    } catch (error) {
      if (error instanceof AlkorError) throw error;
      throw new AlkorError("environment_error", `The local API cannot listen on ${describe(listen)}: ${(error as Error).message}.`);
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // close() alone waits for idle keep-alive clients.
      server.closeAllConnections();
    });
  }

  /** Where the server listens, as an endpoint the CLI accepts (useful with port 0). */
  endpoint(): string {
    const address = this.server?.address();
    if (address === undefined || address === null) throw new AlkorError("wrong_state", "The local API is not listening.");
    if (typeof address === "string") return `unix:${address}`;
    return `http://${formatHost(address)}:${address.port}`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const text = await readBody(request);
      reply = await this.route({ method: request.method ?? "", path: pathOf(request.url ?? ""), body: (schema) => parseBody(schema, text, request.url ?? "") });
    } catch (error) {
      const failure = asAlkorError(error);
      if (failure.code === "internal_error") this.options.log.error({ err: error, url: request.url }, "Local API request failed.");
      reply = errorReply(HTTP_STATUS_BY_CODE[failure.code], failure);
    }
    const text = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      ...reply.headers,
    });
    response.end(text);
  }

  private async route(request: Request): Promise<Reply> {
    const { method, path } = request;
    const { directory } = this.options;
    if (path === NODES_PATH) {
      if (method === "GET") return ok({ nodes: await directory.list() });
      if (method === "POST") return ok(await this.clusterControl().addNode(request.body(NodeAddRequestSchema).name));
      return methodNotAllowed(method, path, "GET, POST");
    }
    const prefix = `${NODES_PATH}/`;
    if (path.startsWith(prefix)) {
      const [segment, action, ...rest] = path.slice(prefix.length).split("/");
      const name = nodeNameOf(segment ?? "");
      if (action === undefined) {
        if (method === "GET") return ok(await directory.info(name));
        if (method === "DELETE") return ok(await this.clusterControl().removeNode(name));
        return methodNotAllowed(method, path, "GET, DELETE");
      }
      if (action === "modify" && rest.length === 0) {
        if (method !== "POST") return methodNotAllowed(method, path, "POST");
        return ok(await this.clusterControl().modifyNode(name, request.body(NodeModifyRequestSchema)));
      }
    }
    const reads: Record<string, () => unknown> = {
      [CLUSTER_PATH]: () => this.clusterControl().info(),
      [CLUSTER_STATUS_PATH]: () => this.clusterControl().status(),
      [CLUSTER_MASTER_PATH]: () => this.clusterControl().master(),
    };
    const writes: Record<string, () => unknown> = {
      [CLUSTER_INIT_PATH]: () => this.clusterControl().init(request.body(ClusterInitRequestSchema)),
      [CLUSTER_FAILOVER_PATH]: () => this.clusterControl().failover(),
      [CLUSTER_MODIFY_PATH]: () => this.clusterControl().modify(request.body(ClusterModifyRequestSchema)),
    };
    const read = reads[path];
    if (read) return method === "GET" ? ok(await read()) : methodNotAllowed(method, path, "GET");
    const write = writes[path];
    if (write) return method === "POST" ? ok(await write()) : methodNotAllowed(method, path, "POST");
    throw new AlkorError("unknown_entity", `The local API has no path ${path}.`);
  }

  private clusterControl(): ClusterControl {
    if (this.options.cluster) return this.options.cluster;
    throw new AlkorError("wrong_state", "This agent serves no cluster operations.");
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new AlkorError("wrong_input", `The request body is larger than ${maxBodyBytes} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseBody<T>(schema: z.ZodType<T>, text: string, url: string): T {
  let document: unknown;
  try {
    document = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    throw new AlkorError("wrong_input", `The request body for ${url} is not valid JSON: ${(error as Error).message}.`);
  }
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  throw new AlkorError("wrong_input", `Invalid request for ${url}: ${problems.join("; ")}.`);
}

function pathOf(url: string): string {
  try {
    return new URL(url, "http://local").pathname;
  } catch {
    throw new AlkorError("wrong_input", `Malformed request path ${JSON.stringify(url)}.`);
  }
}

function nodeNameOf(segment: string): string {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw new AlkorError("wrong_input", `Malformed node name ${JSON.stringify(segment)} in the path.`);
  }
  if (!NodeNameSchema.safeParse(name).success) {
    throw new AlkorError("wrong_input", `${JSON.stringify(name)} is not a valid node name.`);
  }
  return name;
}

function errorReply(status: number, error: AlkorError): Reply {
  return { status, body: { error: { code: error.code, message: error.message } } };
}

function methodNotAllowed(method: string, path: string, allowed: string): Reply {
  const error = new AlkorError("wrong_input", `Method ${method} is not allowed on ${path}; use ${allowed}.`);
  return { ...errorReply(405, error), headers: { allow: allowed } };
}

/**
 * Removes a socket file left by an agent that died, but never a live
 * agent's socket nor a file that is not a socket.
 */
async function prepareSocketPath(socketPath: string): Promise<void> {
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o755 });
  let stats;
  try {
    stats = await lstat(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!stats.isSocket()) {
    throw new AlkorError("environment_error", `${socketPath} exists and is not a socket; refusing to replace it.`);
  }
  if (await isServed(socketPath)) {
    throw new AlkorError("environment_error", `Another process is serving ${socketPath}; is alkord already running?`);
  }
  await unlink(socketPath);
}

function isServed(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

function describe(listen: LocalApiListen): string {
  return "socketPath" in listen ? listen.socketPath : `${listen.host}:${listen.port}`;
}

function formatHost(address: AddressInfo): string {
  return address.family === "IPv6" ? `[${address.address}]` : address.address;
}
