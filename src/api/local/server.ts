import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { dirname } from "node:path";
import { closeServer } from "../close-server.js";
import type { Logger } from "pino";
import type { Service } from "../../agent/lifecycle.js";
import { AlkorError, asAlkorError, HTTP_STATUS_BY_CODE } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import type { z } from "zod";
import type { Job } from "../../cluster/jobs/model.js";
import type { JobQueueApi } from "../../cluster/jobs/queue-api.js";
import type { ClusterControl } from "./cluster-control.js";
import {
  CLUSTER_FAILOVER_PATH,
  CLUSTER_INIT_PATH,
  CLUSTER_MASTER_PATH,
  CLUSTER_PATH,
  CLUSTER_STATUS_PATH,
  CLI_PATH,
  CliRequestSchema,
  type CliRequest,
  ClusterInitRequestSchema,
  JobArchiveRequestSchema,
  JOBS_ARCHIVE_PATH,
  JOBS_PATH,
  JobSubmitRequestSchema,
  JobWaitQuerySchema,
  INSTANCES_PATH,
  NODES_PATH,
  OS_PATH,
  QUEUE_DRAIN_PATH,
  QUEUE_PATH,
  QueueDrainSchema,
  TAGS_PATH,
  TagsQuerySchema,
  WATCHER_PATH,
  WatcherInfoSchema,
} from "./contract.js";
import type { InstanceDirectory } from "./instance-directory.js";
import type { NodeDirectory } from "./node-directory.js";

/** Runs a command line and streams its output (cli-service.ts). */
export interface CliRunner {
  run(request: CliRequest, response: ServerResponse): Promise<void>;
}

/** A unix socket (the default, guarded by file permissions) or a TCP address. */
export type LocalApiListen = { socketPath: string } | { host: string; port: number };

export interface LocalApiServerOptions {
  listen: LocalApiListen;
  directory: NodeDirectory;
  /** Absent in tests of the node queries alone. */
  cluster?: ClusterControl;
  /** The job queue behind /v1/jobs, /v1/queue and /v1/watcher; absent where the agent runs no jobs (tests of the rest). */
  jobs?: JobQueueApi;
  /** Instances and OS definitions with what the nodes report; absent in tests of the rest. */
  instances?: InstanceDirectory;
  /** Runs command lines for the thin client; served only on a unix socket, whose permissions say who may. */
  cli?: CliRunner;
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
  /** The query string's parameters, validated against a schema. */
  query<T>(schema: z.ZodType<T>): T;
}

/** What a path answers, by method; the keys are the methods a 405 names. */
type Handlers = Partial<Record<string, () => Promise<unknown>>>;

const maxBodyBytes = 64 * 1024;

/** Who submitted a job through this socket, in the job's submittedBy (RAPI users appear by name). */
const LOCAL_SUBMITTER = "cli";

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
    await closeServer(server);
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
      const url = parseUrl(request.url ?? "");
      const { cli, listen } = this.options;
      if (cli !== undefined && "socketPath" in listen && url.pathname === CLI_PATH && request.method === "POST") {
        // Streams its own answer; errors before the first byte are answered below.
        await cli.run(parseBody(CliRequestSchema, text, CLI_PATH), response);
        return;
      }
      reply = await this.route({
        method: request.method ?? "",
        path: url.pathname,
        body: (schema) => parseBody(schema, text, url.pathname),
        query: (schema) => parseQuery(schema, url),
      });
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
    const handlers = this.handlers(request);
    if (handlers === undefined) throw new AlkorError("unknown_entity", `The local API has no path ${path}.`);
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    if (handler === undefined) return methodNotAllowed(method, path, Object.keys(handlers).join(", "));
    return ok(await handler());
  }

  /** The handlers of the request's path; undefined for a path the API does not serve. */
  private handlers(request: Request): Handlers | undefined {
    const { path } = request;
    const { directory } = this.options;
    const fixed: Record<string, Handlers> = {
      [NODES_PATH]: { GET: async () => ({ nodes: await directory.list() }) },
      [CLUSTER_PATH]: { GET: () => this.clusterControl().info() },
      [CLUSTER_STATUS_PATH]: { GET: async () => this.clusterControl().status() },
      [CLUSTER_MASTER_PATH]: { GET: () => this.clusterControl().master() },
      [CLUSTER_INIT_PATH]: { POST: () => this.clusterControl().init(request.body(ClusterInitRequestSchema)) },
      [CLUSTER_FAILOVER_PATH]: { POST: () => this.clusterControl().failover() },
      [TAGS_PATH]: { GET: () => this.tags(request) },
      [INSTANCES_PATH]: { GET: async () => ({ instances: await this.instanceDirectory().list() }) },
      [OS_PATH]: { GET: async () => ({ nodes: await this.instanceDirectory().operatingSystems() }) },
      [JOBS_PATH]: {
        GET: async () => ({ jobs: await this.jobQueue().list() }),
        POST: () => this.submitJob(request),
      },
      [JOBS_ARCHIVE_PATH]: { POST: async () => ({ archived: await this.jobQueue().archive(request.body(JobArchiveRequestSchema)) }) },
      [QUEUE_PATH]: { GET: () => this.jobQueue().queueInfo() },
      [QUEUE_DRAIN_PATH]: { POST: () => this.setDrained(request) },
      [WATCHER_PATH]: {
        GET: () => this.jobQueue().watcherInfo(),
        POST: () => this.jobQueue().pauseWatcher(request.body(WatcherInfoSchema).pausedUntil),
      },
    };
    if (Object.hasOwn(fixed, path)) return fixed[path];
    const [segment, action, ...rest] = path.split("/").slice(3);
    if (segment === undefined || rest.length > 0) return undefined;
    if (path.startsWith(`${NODES_PATH}/`) && action === undefined) {
      const name = nodeNameOf(segment);
      return { GET: () => directory.info(name) };
    }
    if (path.startsWith(`${INSTANCES_PATH}/`)) {
      const name = nodeNameOf(segment, "instance");
      if (action === undefined) return { GET: async () => ({ instance: await this.instanceDirectory().get(name) }) };
      if (action === "console") return { GET: () => this.instanceDirectory().console(name) };
      return undefined;
    }
    if (path.startsWith(`${JOBS_PATH}/`)) {
      const id = jobIdOf(segment);
      if (action === undefined) return { GET: async () => ({ job: await this.jobQueue().get(id) }) };
      const actions: Record<string, Handlers> = {
        wait: { GET: () => this.waitForJob(id, request) },
        cancel: { POST: async () => ({ job: await this.jobQueue().cancel(id) }) },
      };
      return Object.hasOwn(actions, action) ? actions[action] : undefined;
    }
    return undefined;
  }

  private async submitJob(request: Request): Promise<{ jobId: number }> {
    const { ops, priority } = request.body(JobSubmitRequestSchema);
    const jobId = await this.jobQueue().submit(ops, { priority, submittedBy: LOCAL_SUBMITTER });
    return { jobId };
  }

  private async waitForJob(id: number, request: Request): Promise<{ job: Job | null }> {
    const { status, logSerial, timeoutMs } = request.query(JobWaitQuerySchema);
    return { job: await this.jobQueue().waitForChange(id, { status: status ?? null, logSerial }, timeoutMs) };
  }

  private async setDrained(request: Request): Promise<{ drained: boolean }> {
    const { drained } = request.body(QueueDrainSchema);
    await this.jobQueue().setDrained(drained);
    return { drained };
  }

  private async tags(request: Request): Promise<{ tags: string[] }> {
    const target = request.query(TagsQuerySchema);
    return { tags: await this.clusterControl().tags(target.kind, target.kind === "cluster" ? undefined : target.name) };
  }

  private clusterControl(): ClusterControl {
    if (this.options.cluster) return this.options.cluster;
    throw new AlkorError("wrong_state", "This agent serves no cluster operations.");
  }

  private instanceDirectory(): InstanceDirectory {
    if (this.options.instances) return this.options.instances;
    throw new AlkorError("wrong_state", "This agent serves no instances.");
  }

  private jobQueue(): JobQueueApi {
    if (this.options.jobs) return this.options.jobs;
    throw new AlkorError("wrong_state", "This agent runs no job queue.");
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

function parseQuery<T>(schema: z.ZodType<T>, url: URL): T {
  const result = schema.safeParse(Object.fromEntries(url.searchParams));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(query)"}: ${issue.message}`);
  throw new AlkorError("wrong_input", `Invalid query for ${url.pathname}: ${problems.join("; ")}.`);
}

function parseUrl(url: string): URL {
  try {
    return new URL(url, "http://local");
  } catch {
    throw new AlkorError("wrong_input", `Malformed request path ${JSON.stringify(url)}.`);
  }
}

function nodeNameOf(segment: string, what: "node" | "instance" = "node"): string {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw new AlkorError("wrong_input", `Malformed ${what} name ${JSON.stringify(segment)} in the path.`);
  }
  if (!NodeNameSchema.safeParse(name).success) {
    throw new AlkorError("wrong_input", `${JSON.stringify(name)} is not a valid ${what} name.`);
  }
  return name;
}

/** A job ID in a path: a positive integer in decimal. */
function jobIdOf(segment: string): number {
  const id = Number(segment);
  if (!/^[1-9]\d*$/.test(segment) || !Number.isSafeInteger(id)) throw new AlkorError("wrong_input", `${JSON.stringify(segment)} is not a job ID.`);
  return id;
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
