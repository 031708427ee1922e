import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { Clock, Timer } from "../host/clock.js";
import type { Random } from "../host/random.js";
import type { MessageHandler } from "./broker.js";

export interface PeerLinkOptions {
  /** HOST:PORT of the peer's broker. */
  endpoint: string;
  clientId: string;
  /** Published by the peer's broker when this link dies without a goodbye. */
  will: { topic: string; payload: Buffer };
  /** Subscribed again at every (re)connection. */
  subscriptions: readonly string[];
  reconnectMinMs: number;
  reconnectMaxMs: number;
  clock: Clock;
  random: Random;
  log: Logger;
  onMessage: MessageHandler;
  onConnect: () => void;
}

/** mqtt://HOST:PORT for an endpoint, with IPv6 hosts kept in brackets. */
function brokerUrl(endpoint: string): string {
  return `mqtt://${endpoint}`;
}

/**
 * One mqtt.js connection to a peer's broker. Reconnects by itself with
 * exponential backoff and jitter (mqtt.js' own reconnect has a fixed period),
 * timed on the injected clock.
 */
export class PeerLink {
  private client: MqttClient | undefined;
  private retryTimer: Timer | undefined;
  private nextDelayMs: number;
  private stopped = false;
  /** Connected and subscribed: answers to this node can arrive. */
  private subscribed = false;

  constructor(private readonly options: PeerLinkOptions) {
    this.nextDelayMs = options.reconnectMinMs;
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  get connected(): boolean {
    return this.subscribed && (this.client?.connected ?? false);
  }

  start(): void {
    const { options } = this;
    const client = mqtt.connect(brokerUrl(options.endpoint), {
      clientId: options.clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      keepalive: 10,
      queueQoSZero: false,
      will: { topic: options.will.topic, payload: options.will.payload, qos: 0, retain: true },
    });
    this.client = client;
    client.on("connect", () => {
      this.nextDelayMs = options.reconnectMinMs;
      client.subscribe([...options.subscriptions], { qos: 0 }, (error, granted) => {
        // [MQTT-3.9.3] a SUBACK return code of 0x80 is a refusal, e.g. by a broker of another cluster.
        if (error || granted?.some((grant) => grant.qos === 128)) {
          options.log.warn({ peer: options.endpoint, err: error?.message }, `The broker at ${options.endpoint} refused this node's subscriptions; it is not linked.`);
          return;
        }
        this.subscribed = true;
        options.log.debug({ peer: options.endpoint }, "Linked to a peer's broker.");
        options.onConnect();
      });
    });
    client.on("message", (topic, payload) => options.onMessage(topic, payload));
    client.on("error", (error) => options.log.debug({ peer: options.endpoint, err: error.message }, "A peer link failed."));
    client.on("close", () => {
      this.subscribed = false;
      this.scheduleReconnect();
    });
  }

  /** Publishes if connected; returns false otherwise (heartbeats must not queue up). */
  publish(topic: string, payload: Buffer, retain: boolean): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    client.publish(topic, payload, { qos: 0, retain });
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    // force: the peer may be gone and would never acknowledge a clean close.
    if (client) await client.endAsync(true);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const { reconnectMinMs, reconnectMaxMs } = this.options;
    const base = this.nextDelayMs;
    this.nextDelayMs = Math.min(reconnectMaxMs, base * 2);
    const delay = base / 2 + this.options.random.int(0, Math.max(1, Math.floor(base / 2)));
    this.retryTimer = this.options.clock.after(Math.max(reconnectMinMs / 2, delay), () => {
      this.retryTimer = undefined;
      if (!this.stopped) this.client?.reconnect();
    });
  }
}
