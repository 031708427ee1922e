import type { Logger } from "pino";
import type { RapiBackend } from "../api/rapi/backend.js";
import { RapiServer } from "../api/rapi/server.js";
import type { Clock } from "../host/clock.js";
import { asAlkorError } from "../model/errors.js";
import type { Service } from "./lifecycle.js";

export interface RapiListenersOptions {
  /** Where every node serves the RAPI; "0.0.0.0" covers the cluster IP too. */
  address: string;
  port: number;
  usersFile: string;
  backend: RapiBackend;
  /** The cluster's certificate, once the cluster has one. */
  certificate(): { cert: string; key: string } | null;
  /** The cluster IP this node holds now, if any. */
  clusterIp(): string | null;
  clock: Clock;
  log: Logger;
}

const wildcard = new Set(["0.0.0.0", "::"]);
/** After a failed start (a missing users file, a port in use), the next attempt waits this long. */
const retryAfterMs = 30_000;

/**
 * The RAPI on this node: it starts once the cluster has its certificate, on
 * the node's own address, and, while this node holds the cluster IP (and the
 * node's address is not a wildcard that covers it already), on the cluster
 * IP too, so that clients of the cluster IP reach the master.
 */
export class RapiListeners implements Service {
  readonly name = "rapi";
  private own: RapiServer | undefined;
  private onClusterIp: { ip: string; server: RapiServer } | undefined;
  private changing = false;
  private stopped = false;
  private retryAt = 0;
  private lastFailure: string | null = null;

  constructor(private readonly options: RapiListenersOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.onProgress();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const servers = [this.own, this.onClusterIp?.server];
    this.own = undefined;
    this.onClusterIp = undefined;
    await Promise.all(servers.map((server) => server?.stop()));
  }

  /** Called after every change in the cluster: starts and stops listeners to match it. */
  onProgress(): void {
    if (this.changing || this.stopped || this.options.clock.monotonic() < this.retryAt) return;
    this.changing = true;
    void this.reconcile()
      .then(() => (this.lastFailure = null))
      .catch((error: unknown) => {
        this.retryAt = this.options.clock.monotonic() + retryAfterMs;
        const reason = asAlkorError(error).message;
        // Said once, not every 30 s: a node without a users file stays so until an operator writes one.
        if (reason !== this.lastFailure) this.options.log.error({ err: error }, `The RAPI could not be started: ${reason} Trying every ${retryAfterMs / 1000} s.`);
        this.lastFailure = reason;
      })
      .finally(() => (this.changing = false));
  }

  private async reconcile(): Promise<void> {
    const { options } = this;
    const tls = options.certificate();
    if (tls === null) return;
    if (this.own === undefined) this.own = await this.listen(options.address, tls);
    const ip = wildcard.has(options.address) ? null : options.clusterIp();
    if (this.onClusterIp !== undefined && this.onClusterIp.ip !== ip) {
      const { server } = this.onClusterIp;
      this.onClusterIp = undefined;
      await server.stop();
    }
    if (ip !== null && this.onClusterIp === undefined) this.onClusterIp = { ip, server: await this.listen(ip, tls) };
  }

  private async listen(host: string, tls: { cert: string; key: string }): Promise<RapiServer> {
    const { options } = this;
    const server = new RapiServer({ listen: { host, port: options.port }, tls, usersFile: options.usersFile, backend: options.backend, clock: options.clock, log: options.log });
    await server.start();
    return server;
  }
}
