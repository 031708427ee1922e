import type { Logger } from "pino";
import type { Clock } from "../host/clock.js";
import type { TlsPair } from "../host/tls/self-signed.js";
import { asAlkorError } from "../model/errors.js";
import type { RunnerCluster } from "./jobs/job-runner.js";

const retryAfterMs = 30_000;

/**
 * Gives the cluster its certificate: the master that finds none makes one and
 * commits it, once, so that every node's API serves the same certificate and
 * a client can trust it once for the cluster.
 */
export class CertificateKeeper {
  private busy = false;
  private retryAt = 0;

  constructor(
    private readonly cluster: RunnerCluster,
    private readonly make: (commonName: string) => Promise<TlsPair>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  onProgress(): void {
    const identity = this.cluster.state.cluster;
    if (this.busy || identity === null || identity.tls !== null || this.clock.monotonic() < this.retryAt || !this.cluster.masterReady()) return;
    this.busy = true;
    this.make(identity.name)
      .then((tls) => this.cluster.proposeLocal({ kind: "cluster.certificate", tls }))
      .then(
        () => this.log.info({ cluster: identity.name }, `Cluster ${identity.name} has its certificate now; every node's API serves it.`),
        (error: unknown) => {
          this.retryAt = this.clock.monotonic() + retryAfterMs;
          this.log.warn({ err: error }, `The cluster's certificate could not be made: ${asAlkorError(error).message} Trying again in ${retryAfterMs / 1000} s.`);
        },
      )
      .finally(() => (this.busy = false));
  }
}
