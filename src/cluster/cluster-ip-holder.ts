import type { Logger } from "pino";
import type { DurableFiles } from "../host/durable-file.js";
import type { ClusterAddressPort, ClusterAddressSpec } from "../host/net/cluster-address.js";

/**
 * Whether this node's last run added the cluster IP and did not remove it,
 * kept on disk: only then is an address found at start this node's to clear.
 * On a host shared by several agents (the demo, the tests) another node may
 * hold the very same address on the same device.
 */
export interface HeldMarker {
  read(): Promise<boolean>;
  write(held: boolean): Promise<void>;
}

/** The marker's file in the state directory: present while this node holds the address. */
export const HELD_MARKER_FILE = "cluster-ip-held";

export function fileHeldMarker(files: Pick<DurableFiles, "readIfExists" | "writeDurably" | "remove">, path: string): HeldMarker {
  return {
    read: async () => (await files.readIfExists(path)) !== undefined,
    write: (held) => (held ? files.writeDurably(path, "") : files.remove(path)),
  };
}

const key = (spec: ClusterAddressSpec | null): string => (spec === null ? "none" : `${spec.ip}/${spec.prefixLength}@${spec.device}`);

/**
 * Keeps the cluster IP on this node exactly while it should be (the master
 * holding its lease): told the wish after every Raft step, it adds or
 * removes the address, one change at a time, retrying a failed one at the
 * next wish.
 */
export class ClusterIpHolder {
  private held: ClusterAddressSpec | null = null;
  private wanted: ClusterAddressSpec | null = null;
  private busy = false;

  constructor(
    private readonly address: ClusterAddressPort,
    private readonly marker: HeldMarker,
    private readonly log: Logger,
  ) {}

  /** What the node holds now, as far as this holder changed it. */
  get current(): ClusterAddressSpec | null {
    return this.held;
  }

  /** If this node's earlier run left the address on (its marker says so), the next wish without it removes it. */
  async clearLeftover(spec: ClusterAddressSpec): Promise<void> {
    if (!(await this.marker.read())) return;
    if (this.held === null && !this.busy) this.held = spec;
    this.settle();
  }

  want(spec: ClusterAddressSpec | null): void {
    this.wanted = spec;
    this.settle();
  }

  /**
   * Checks the address is still there: a link flap, a network manager or an
   * operator may remove it behind the master's back. A missing one is added again.
   */
  verify(): void {
    const held = this.held;
    if (this.busy || held === null) return;
    this.busy = true;
    void this.address
      .held(held)
      .then(
        (present) => {
          if (present || this.held !== held) return;
          this.log.warn({ ip: held.ip, device: held.device }, `The cluster IP ${held.ip} disappeared from ${held.device}; adding it again.`);
          this.held = null;
        },
        (error: unknown) => this.log.error({ err: error }, `Could not check the cluster IP: ${(error as Error).message}`),
      )
      .finally(() => {
        this.busy = false;
        this.settle();
      });
  }

  /** Drops the address (on stop, or after leaving the cluster) and waits for it. */
  async release(): Promise<void> {
    this.wanted = null;
    while (this.busy) await new Promise((resolve) => setImmediate(resolve));
    this.settle();
    while (this.busy) await new Promise((resolve) => setImmediate(resolve));
  }

  private settle(): void {
    if (this.busy || key(this.wanted) === key(this.held)) return;
    this.busy = true;
    void this.change().finally(() => {
      this.busy = false;
      this.settle();
    });
  }

  private async change(): Promise<void> {
    const { held, wanted } = this;
    try {
      if (held !== null) {
        await this.address.release(held);
        this.held = null;
        await this.marker.write(false);
        this.log.info({ ip: held.ip, device: held.device }, `This node no longer holds the cluster IP ${held.ip}.`);
      }
      if (wanted !== null) {
        // Marked first: a crash between the two leaves a marker without an address, which is harmless.
        await this.marker.write(true);
        await this.address.acquire(wanted);
        this.held = wanted;
        this.log.info({ ip: wanted.ip, device: wanted.device }, `This node now holds the cluster IP ${wanted.ip} on ${wanted.device}.`);
      }
    } catch (error) {
      this.log.error({ err: error }, `Could not change the cluster IP: ${(error as Error).message}`);
      // Try again at the next wish rather than spin on a failing tool.
      this.wanted = this.held;
    }
  }
}
