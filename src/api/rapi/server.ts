import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { closeServer } from "../close-server.js";
import type { Logger } from "pino";
import type { Service } from "../../agent/lifecycle.js";
import type { Clock } from "../../host/clock.js";
import { AlkorError } from "../../model/errors.js";
import { forbidden, RapiAuthenticator } from "./auth.js";
import type { RapiBackend } from "./backend.js";
import { MAX_BODY_BYTES, readJsonBody } from "./body.js";
import { asRapiError, badRequest, errorBody, RapiError, reasonPhrase } from "./errors.js";
import { parseQueryString } from "./query-string.js";
import { rapiRouter } from "./routes.js";
import type { RapiReply, Router } from "./router.js";
import { nodeUsersFiles, RapiUsersFile, type RapiUsersFiles } from "./users-file.js";

/** Ganeti's RAPI port. */
export const DEFAULT_RAPI_PORT = 5080;

export interface RapiLimits {
  /** Largest request body; more is answered 413 without being read. */
  maxBodyBytes: number;
  /** How long /2/jobs/ID/wait waits for a change before answering null (Ganeti's _WFJC_TIMEOUT, 10 s). */
  waitTimeoutMs: number;
  /** Clients waiting on /2/jobs/ID/wait at once; more are answered 503 with Retry-After. */
  maxWaits: number;
  /** How long the cluster may take to answer a request before the client gets a 504; longer than waitTimeoutMs. */
  answerTimeoutMs: number;
  /** How long a client may take to send a whole request (headers within half of it); then the connection is closed. */
  requestTimeoutMs: number;
  maxConnections: number;
  /** How often at most the users file is checked for changes. */
  usersCheckIntervalMs: number;
}

export const DEFAULT_RAPI_LIMITS: RapiLimits = {
  maxBodyBytes: MAX_BODY_BYTES,
  waitTimeoutMs: 10_000,
  maxWaits: 32,
  answerTimeoutMs: 30_000,
  requestTimeoutMs: 30_000,
  maxConnections: 256,
  usersCheckIntervalMs: 1000,
};

export interface RapiServerOptions {
  listen: { host: string; port: number };
  /** PEM certificate (chain) and private key. */
  tls: { cert: string; key: string };
  /** The users file, Ganeti's format (see users.ts). */
  usersFile: string;
  backend: RapiBackend;
  clock: Clock;
  log: Logger;
  /** The file system the users file is read from; the real one by default. */
  files?: RapiUsersFiles;
  limits?: Partial<RapiLimits>;
}

/** What a request's log event says about it. */
interface Outcome {
  status: number;
  user?: string;
  route?: string;
  error?: string;
}

/**
 * The Ganeti-compatible remote API (RAPI v2) over HTTPS, served on every
 * node. Every request authenticates (HTTP Basic against the users file);
 * writes need the users file's write option. Answers are JSON; failures
 * carry RAPI's `{code, message, explain}` body with a 4xx status for what
 * the client did and a 5xx only for what the cluster could not do.
 */
export class RapiServer implements Service {
  readonly name = "rapi";
  private readonly limits: RapiLimits;
  private readonly usersFile: RapiUsersFile;
  private readonly authenticator: RapiAuthenticator;
  private readonly router: Router;
  private server: Server | undefined;

  constructor(private readonly options: RapiServerOptions) {
    this.limits = { ...DEFAULT_RAPI_LIMITS, ...options.limits };
    if (this.limits.answerTimeoutMs <= this.limits.waitTimeoutMs) {
      throw new AlkorError("wrong_input", "The RAPI's answer timeout must be longer than its wait timeout, or every long poll would end in a 504.");
    }
    const { clock, log, backend } = options;
    this.usersFile = new RapiUsersFile({
      path: options.usersFile,
      files: options.files ?? nodeUsersFiles,
      clock,
      log,
      checkIntervalMs: this.limits.usersCheckIntervalMs,
    });
    this.authenticator = new RapiAuthenticator(this.usersFile);
    this.router = rapiRouter({ backend, clock, waitTimeoutMs: this.limits.waitTimeoutMs, maxWaits: this.limits.maxWaits });
  }

  async start(): Promise<void> {
    await this.usersFile.load();
    const { listen, tls, log } = this.options;
    const server = createServer({
      cert: tls.cert,
      key: tls.key,
      minVersion: "TLSv1.2",
      requestTimeout: this.limits.requestTimeoutMs,
      headersTimeout: Math.ceil(this.limits.requestTimeoutMs / 2),
      // How often those two are enforced (Node's default is every 30 s).
      connectionsCheckingInterval: 1000,
    });
    server.maxConnections = this.limits.maxConnections;
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => {
        log.error({ err: error, url: request.url }, "The RAPI server failed while answering a request; the connection was dropped.");
        response.destroy();
      });
    });
    server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => answerMalformed(error, socket));
    server.on("tlsClientError", (error: Error) => log.debug({ err: error }, "A RAPI client failed the TLS handshake."));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(listen.port, listen.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      throw new AlkorError("environment_error", `The RAPI cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}.`);
    }
    this.server = server;
    log.info({ address: this.address() }, `The RAPI listens on https://${this.address()}.`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await closeServer(server);
  }

  /** host:port where the server listens (useful with port 0). */
  address(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (address === undefined || address === null) throw new AlkorError("wrong_state", "The RAPI is not listening.");
    return address.family === "IPv6" ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { clock, log } = this.options;
    const startedAt = clock.monotonic();
    const method = request.method ?? "";
    const [path = "", rawQuery = ""] = (request.url ?? "").split(/\?(.*)/s, 2);
    const outcome: Outcome = { status: 200 };
    try {
      if (!path.startsWith("/")) throw badRequest("The request target must be a path.");
      const principal = await this.authenticator.authenticate(request.headers.authorization);
      outcome.user = principal.user;
      const { endpoint, params, pattern } = this.router.match(method, path);
      outcome.route = `${method} ${pattern}`;
      if (endpoint.access === "write" && !principal.canWrite) throw forbidden(principal, outcome.route);
      const query = parseQueryString(rawQuery, endpoint.query ?? {}, outcome.route);
      const body = await readJsonBody(request, this.limits.maxBodyBytes);
      if (body !== undefined && endpoint.body !== "json") throw badRequest(`${outcome.route} takes no request body.`);
      const reply = await this.withDeadline(endpoint.handle({ params, query, body, user: principal.user }));
      send(response, 200, reply, {});
    } catch (caught) {
      const error = asRapiError(caught);
      outcome.status = error.status;
      outcome.error = error.message;
      if (error.status >= 500) {
        log.warn({ err: caught, method, path: path.slice(0, 256), user: outcome.user }, `A RAPI request failed on the server's side: ${error.message}`);
      }
      // A body left unread is not worth reading; the connection closes after the answer.
      const close: Record<string, string> = request.complete ? {} : { connection: "close" };
      send(response, error.status, { json: errorBody(error) }, { ...error.headers, ...close });
    }
    log.debug({ method, path: path.slice(0, 256), ...outcome, ms: Math.round(clock.monotonic() - startedAt) }, "RAPI request");
  }

  /** The handler's answer, or a 504 when the cluster takes longer than the answer timeout. */
  private withDeadline(work: Promise<RapiReply>): Promise<RapiReply> {
    const { answerTimeoutMs } = this.limits;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.after(answerTimeoutMs, () =>
        reject(new RapiError(504, `The cluster did not answer within ${answerTimeoutMs} ms; try again.`)),
      );
      work.then(
        (reply) => {
          timer.cancel();
          resolve(reply);
        },
        (error: unknown) => {
          timer.cancel();
          reject(error);
        },
      );
    });
  }
}

function send(response: ServerResponse, status: number, reply: RapiReply, headers: Readonly<Record<string, string>>): void {
  if (response.headersSent || response.destroyed) return;
  const [contentType, text] = "text" in reply ? [reply.contentType, reply.text] : ["application/json", JSON.stringify(reply.json ?? null)];
  response.writeHead(status, { ...headers, "content-type": contentType, "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** What Node's HTTP parser refuses (bad syntax, oversized headers, a slow client) still gets a RAPI error body. */
function answerMalformed(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const text = JSON.stringify(errorBody(new RapiError(status, `The request could not be read: ${error.code ?? error.message}.`)));
  socket.end(
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
