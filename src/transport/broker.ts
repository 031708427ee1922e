import { createServer, type Server } from "node:net";
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket, type Subscription } from "aedes";
import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock } from "../host/clock.js";
import { DropLog } from "./drop-log.js";
import { parseTopic, payloadLimitOf, topicRoot, type PayloadLimits } from "./topics.js";

export type MessageHandler = (topic: string, payload: Buffer) => void;

/** What the agent needs of its own broker: publish on it and hear what peers publish to it. */
export interface LocalBroker {
  publish(topic: string, payload: Buffer, retain: boolean): Promise<void>;
  /** Returns a function that removes the subscription. */
  subscribe(pattern: string, handler: MessageHandler): Promise<() => Promise<void>>;
}

export interface EmbeddedBrokerOptions {
  address: string;
  /** 0 picks a free port; `port` tells which after start(). */
  port: number;
  clusterId: string;
  limits: PayloadLimits;
  log: Logger;
  clock: Clock;
}

/**
 * The node's embedded Aedes broker. Peers publish to this node here. It
 * refuses what is not ours before it reaches a subscriber: topics outside the
 * topic map or of another cluster, and payloads over the size limit. Aedes
 * then closes that client's connection (MQTT 3.1.1 has no reason codes).
 */
export class EmbeddedBroker implements Service, LocalBroker {
  readonly name = "broker";
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private boundPort = 0;
  private readonly drops: DropLog;

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.drops = new DropLog(options.log, options.clock);
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const aedes = await Aedes.createBroker({
      id: `alkor-${this.options.address}-${this.options.port}`,
      authorizePublish: (client, packet, callback) => callback(this.refusePublish(client, packet)),
      authorizeSubscribe: (client, subscription, callback) => callback(null, this.filterSubscription(client, subscription)),
    });
    aedes.on("clientError", (client, error) => {
      this.options.log.debug({ client: client.id, err: error.message }, "An MQTT client of the broker failed.");
    });
    this.aedes = aedes;
    const server = createServer(aedes.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.address, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === "object" && address ? address.port : this.options.port;
    this.options.log.info({ address: this.options.address, port: this.boundPort }, "The MQTT broker is listening.");
  }

  async stop(): Promise<void> {
    const { aedes, server } = this;
    this.aedes = undefined;
    this.server = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
    }
  }

  publish(topic: string, payload: Buffer, retain: boolean): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) return Promise.resolve();
    return new Promise((resolve, reject) => {
      aedes.publish({ cmd: "publish", topic, payload, qos: 0, retain, dup: false }, (error) => (error ? reject(error) : resolve()));
    });
  }

  async subscribe(pattern: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const aedes = this.aedes;
    if (!aedes) throw new Error("The broker is not started.");
    const listener = (packet: AedesPublishPacket, done: () => void): void => {
      try {
        handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
      } finally {
        done();
      }
    };
    await new Promise<void>((resolve) => aedes.subscribe(pattern, listener, () => resolve()));
    return () => new Promise<void>((resolve) => aedes.unsubscribe(pattern, listener, () => resolve()));
  }

  private refusePublish(client: Client | null, packet: PublishPacket): Error | null {
    if (client === null) return null;
    const parsed = parseTopic(packet.topic);
    const size = packet.payload.length;
    let refusal: { kind: string; reason: string } | null = null;
    if (parsed === null) refusal = { kind: "foreign-topic", reason: "its topic is not an alkor topic" };
    else if (parsed.clusterId !== this.options.clusterId) refusal = { kind: "other-cluster", reason: `it belongs to cluster ${parsed.clusterId}` };
    else if (size > payloadLimitOf(parsed.kind, this.options.limits)) {
      refusal = { kind: "oversized", reason: `its payload of ${size} bytes exceeds ${payloadLimitOf(parsed.kind, this.options.limits)}` };
    }
    if (refusal === null) return null;
    const { kind, reason } = refusal;
    this.drops.drop(
      `refused-publish:${kind}`,
      { client: client.id, topic: packet.topic.slice(0, 200), bytes: size },
      `The broker refused a publish from ${client.id} because ${reason}; the client was disconnected.`,
    );
    return new Error(`publish refused: ${reason}`);
  }

  private filterSubscription(client: Client, subscription: Subscription): Subscription | null {
    const ours = `${topicRoot}/${this.options.clusterId}/`;
    if (subscription.topic.startsWith(ours)) return subscription;
    this.drops.drop(
      "refused-subscribe",
      { client: client.id, topic: subscription.topic.slice(0, 200) },
      `The broker refused a subscription of ${client.id} to a topic outside cluster ${this.options.clusterId}.`,
    );
    return null;
  }
}
