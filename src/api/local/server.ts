import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { Service } from "../../agent/lifecycle.js";
import { AlkorError, asAlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import { HTTP_STATUS_BY_CODE, NODES_PATH, type ErrorBody, type NodeListBody } from "./contract.js";
import type { NodeDirectory, NodeInfo } from "./node-directory.js";

/** A unix socket (the default, guarded by file permissions) or a TCP address. */
export type LocalApiListen = { socketPath: string } | { host: string; port: number };

export interface LocalApiServerOptions {
  listen: LocalApiListen;
  directory: NodeDirectory;
  log: Logger;
}

interface Reply {
  status: number;
  body: NodeListBody | NodeInfo | ErrorBody;
  headers?: Record<string, string>;
}

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
      reply = await this.route(request.method ?? "", request.url ?? "");
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

  private async route(method: string, url: string): Promise<Reply> {
    const path = pathOf(url);
    if (path === NODES_PATH) {
      if (method !== "GET") return methodNotAllowed(method, path);
      return { status: 200, body: { nodes: this.options.directory.list() } };
    }
    const prefix = `${NODES_PATH}/`;
    if (path.startsWith(prefix) && !path.slice(prefix.length).includes("/")) {
      if (method !== "GET") return methodNotAllowed(method, path);
      const name = nodeNameOf(path.slice(prefix.length));
      return { status: 200, body: await this.options.directory.info(name) };
    }
    throw new AlkorError("unknown_entity", `The local API has no path ${path}.`);
  }
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

function methodNotAllowed(method: string, path: string): Reply {
  const error = new AlkorError("wrong_input", `Method ${method} is not allowed on ${path}; use GET.`);
  return { ...errorReply(405, error), headers: { allow: "GET" } };
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
