import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock, Timer } from "../host/clock.js";
import type { NodeStats } from "../host/node-stats.js";
import type { LocalBroker } from "../transport/broker.js";
import { encodePayload } from "../transport/codec.js";
import { brokerEndpoint } from "../transport/endpoint.js";
import type { Mesh } from "../transport/mesh.js";
import { viaLocalBroker, type TopicRouter } from "../transport/router.js";
import { nodeTopic, type AnnouncePayload, type HeartbeatPayload, type ParsedTopic } from "../transport/topics.js";
import type { MembershipTable } from "./membership.js";

export interface DiscoveryOptions {
  clusterId: string;
  self: AnnouncePayload;
  /** Changes at every start of the agent. */
  incarnation: string;
  seeds: readonly string[];
  heartbeatIntervalMs: number;
  stats: () => NodeStats;
  table: MembershipTable;
  mesh: Mesh;
  broker: LocalBroker;
  router: TopicRouter;
  clock: Clock;
  log: Logger;
}

/**
 * Finds the cluster's nodes and keeps hearing them. This node's announcement
 * is retained on its own broker and on every broker it links to. A node reads
 * every retained announcement from its bootstrap peers (seeds, mDNS) and
 * links to each node found there; each of those then hears of it on its own
 * broker, where its announcement arrives. Heartbeats go straight to every
 * peer's broker and drive the membership table.
 */
export class Discovery implements Service {
  readonly name = "discovery";
  private heartbeatTimer: Timer | undefined;
  private seq = 0;

  constructor(private readonly options: DiscoveryOptions) {
    options.router.on("announce", (payload, topic) => this.handleAnnounce(payload, topic));
    options.router.on("heartbeat", (payload, topic, via) => this.handleHeartbeat(payload, topic, via));
    options.router.on("status", (payload, _topic, via) => {
      if (via === viaLocalBroker && payload.state === "offline") options.table.observeOffline(payload.uuid);
    });
  }

  async start(): Promise<void> {
    const { options } = this;
    await options.broker.publish(this.announceTopic(), encodePayload("announce", options.self), true);
    for (const seed of options.seeds) options.mesh.connect(seed, true);
    this.heartbeatTimer = options.clock.every(options.heartbeatIntervalMs, () => this.beat());
  }

  async stop(): Promise<void> {
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = undefined;
    const { options } = this;
    const goodbye = encodePayload("status", { uuid: options.self.uuid, state: "offline" });
    options.mesh.publishToAll(nodeTopic(options.clusterId, options.self.name, "status"), goodbye, true);
  }

  /** Announces this node again, e.g. once its hardware is known. */
  async updateSelf(self: AnnouncePayload): Promise<void> {
    this.options.self = self;
    const announcement = encodePayload("announce", self);
    await this.options.broker.publish(this.announceTopic(), announcement, true);
    this.options.mesh.publishToAll(this.announceTopic(), announcement, true);
  }

  /** A broker endpoint found by other means (mDNS). */
  addPeer(endpoint: string): void {
    this.options.mesh.connect(endpoint, true);
  }

  /** A link came up: leave our announcement and online status on that broker. */
  onLinkUp(endpoint: string): void {
    const { options } = this;
    options.mesh.publishVia(endpoint, this.announceTopic(), encodePayload("announce", options.self), true);
    const online = encodePayload("status", { uuid: options.self.uuid, state: "online" });
    options.mesh.publishVia(endpoint, nodeTopic(options.clusterId, options.self.name, "status"), online, true);
    // One heartbeat at once on the new link only, so the peer need not wait a whole interval.
    options.mesh.publishVia(endpoint, this.heartbeatTopic(), this.heartbeat(), false);
  }

  private announceTopic(): string {
    return nodeTopic(this.options.clusterId, this.options.self.name, "announce");
  }

  private handleAnnounce(announce: AnnouncePayload, topic: ParsedTopic): void {
    const { options } = this;
    if (announce.uuid === options.self.uuid) return;
    if (announce.clusterId !== options.clusterId || announce.name !== topic.nodeName) {
      options.log.warn({ topic: topic.nodeName, node: announce.name, cluster: announce.clusterId }, `An announcement of node ${announce.name} on another node's topic or from cluster ${announce.clusterId} was ignored.`);
      return;
    }
    if (announce.name === options.self.name) {
      options.log.error({ uuid: announce.uuid }, `Another node (${announce.uuid}) announces this node's name ${announce.name}; it is ignored.`);
      return;
    }
    const outcome = options.table.observeAnnounce(announce);
    if (outcome === "conflict") {
      options.log.error({ node: announce.name, uuid: announce.uuid }, `Two live nodes claim the name ${announce.name}; the second (${announce.uuid}) is ignored.`);
      return;
    }
    if (outcome === "new") options.log.info({ node: announce.name, uuid: announce.uuid, address: announce.address }, `Discovered node ${announce.name}.`);
    options.mesh.bindNode(announce.name, brokerEndpoint(announce.address, announce.brokerPort));
  }

  private handleHeartbeat(heartbeat: HeartbeatPayload, topic: ParsedTopic, via: string): void {
    // Heartbeats count only when they reach this node's own broker straight from the sender.
    if (via !== viaLocalBroker || heartbeat.uuid === this.options.self.uuid) return;
    const member = this.options.table.findByName(topic.nodeName);
    if (member?.announce.uuid !== heartbeat.uuid) return;
    this.options.table.observeHeartbeat(heartbeat);
  }

  private beat(): void {
    this.sendHeartbeat();
    for (const change of this.options.table.sweep()) {
      const level = change.to === "alive" ? "info" : "warn";
      this.options.log[level]({ node: change.name, uuid: change.uuid, from: change.from, to: change.to }, `Node ${change.name} is now ${change.to}.`);
    }
  }

  private sendHeartbeat(): void {
    this.options.mesh.publishToAll(this.heartbeatTopic(), this.heartbeat(), false);
  }

  private heartbeatTopic(): string {
    return nodeTopic(this.options.clusterId, this.options.self.name, "heartbeat");
  }

  private heartbeat(): Buffer {
    const { options } = this;
    const stats = options.stats();
    return encodePayload("heartbeat", {
      uuid: options.self.uuid,
      incarnation: options.incarnation,
      seq: this.seq++,
      memoryFreeBytes: stats.memoryFreeBytes,
      diskTotalBytes: stats.diskTotalBytes,
      diskFreeBytes: stats.diskFreeBytes,
    });
  }
}
