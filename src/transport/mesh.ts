import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock } from "../host/clock.js";
import type { Random } from "../host/random.js";
import type { MessageHandler } from "./broker.js";
import { PeerLink } from "./peer-link.js";

export interface MeshOptions {
  selfName: string;
  /** This node's own broker, never linked to. */
  selfEndpoint: string;
  will: { topic: string; payload: Buffer };
  /** Subscribed on every link. */
  subscriptions: readonly string[];
  /**
   * Subscribed as well on links to bootstrap brokers (seeds, mDNS answers):
   * what a node needs from the first peer it finds, e.g. every retained
   * announcement. Links found from those announcements do without, which
   * keeps a cluster's start from fanning every announcement out N² times.
   */
  bootstrapSubscriptions: readonly string[];
  reconnectMinMs: number;
  reconnectMaxMs: number;
  clock: Clock;
  random: Random;
  log: Logger;
  onMessage: (topic: string, payload: Buffer, endpoint: string) => void;
  onLinkUp: (endpoint: string) => void;
}

/**
 * The set of links to peers' brokers. Messages to node X are published on X's
 * broker, so the mesh maps node names to broker endpoints. There is no
 * central broker: losing one node loses only the links to it.
 */
export class Mesh implements Service {
  readonly name = "mesh";
  private readonly links = new Map<string, PeerLink>();
  private readonly endpointByNode = new Map<string, string>();
  private stopped = false;

  constructor(private readonly options: MeshOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => link.stop()));
  }

  /** Links to a broker unless already linked (idempotent). */
  connect(endpoint: string, bootstrap = false): void {
    if (this.stopped || endpoint === this.options.selfEndpoint || this.links.has(endpoint)) return;
    const { options } = this;
    const onMessage: MessageHandler = (topic, payload) => options.onMessage(topic, payload, endpoint);
    const link = new PeerLink({
      endpoint,
      clientId: `${options.selfName}-${options.random.uuid().slice(0, 8)}`,
      will: options.will,
      subscriptions: bootstrap ? [...options.subscriptions, ...options.bootstrapSubscriptions] : options.subscriptions,
      reconnectMinMs: options.reconnectMinMs,
      reconnectMaxMs: options.reconnectMaxMs,
      clock: options.clock,
      random: options.random,
      log: options.log,
      onMessage,
      onConnect: () => options.onLinkUp(endpoint),
    });
    this.links.set(endpoint, link);
    link.start();
  }

  /** Records where a node's broker is, moving the link if the node moved. */
  bindNode(nodeName: string, endpoint: string): void {
    const previous = this.endpointByNode.get(nodeName);
    this.endpointByNode.set(nodeName, endpoint);
    if (previous !== undefined && previous !== endpoint && ![...this.endpointByNode.values()].includes(previous)) {
      const stale = this.links.get(previous);
      this.links.delete(previous);
      void stale?.stop();
    }
    this.connect(endpoint);
  }

  /** Publishes on the broker of the named node; false when there is no live link to it. */
  publishTo(nodeName: string, topic: string, payload: Buffer, retain: boolean): boolean {
    const endpoint = this.endpointByNode.get(nodeName);
    const link = endpoint === undefined ? undefined : this.links.get(endpoint);
    return link?.publish(topic, payload, retain) ?? false;
  }

  /** Publishes on one linked broker; false when that link is down. */
  publishVia(endpoint: string, topic: string, payload: Buffer, retain: boolean): boolean {
    return this.links.get(endpoint)?.publish(topic, payload, retain) ?? false;
  }

  /** Publishes on every linked broker that is up. */
  publishToAll(topic: string, payload: Buffer, retain: boolean): number {
    let sent = 0;
    for (const link of this.links.values()) if (link.publish(topic, payload, retain)) sent += 1;
    return sent;
  }

  linkedEndpoints(): string[] {
    return [...this.links.values()].filter((link) => link.connected).map((link) => link.endpoint);
  }
}
