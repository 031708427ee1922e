import type { RemoteInfo } from "node:dgram";
import makeMulticastDns from "multicast-dns";
import type mDNS from "multicast-dns";
import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock, Timer } from "../host/clock.js";
import {
  buildAnnouncement,
  buildQuery,
  buildResponse,
  isServiceQuery,
  parsePeers,
  type MdnsAdvertisement,
  type MdnsPeer,
} from "./mdns-records.js";

/** The part of a multicast-dns instance discovery uses; unit tests pass a fake. */
export interface MdnsSocket {
  on(event: "ready", listener: () => void): unknown;
  on(event: "error" | "warning", listener: (error: Error) => void): unknown;
  on(event: "query" | "response", listener: (packet: unknown, rinfo: RemoteInfo) => void): unknown;
  query(packet: mDNS.QueryOutgoingPacket, callback: (error?: Error | null) => void): void;
  respond(packet: mDNS.ResponseOutgoingPacket, callback: (error?: Error | null) => void): void;
  destroy(callback: () => void): void;
}

export type MdnsSocketFactory = (options: mDNS.Options) => MdnsSocket;

export interface MdnsDiscoveryOptions {
  advertisement: MdnsAdvertisement;
  clock: Clock;
  log: Logger;
  /** Called for every answer from another node of our cluster, repeats included. */
  onPeer: (peer: MdnsPeer) => void;
  /** IPv4 address of the interface to join the group and send on; all interfaces when unset. */
  interface?: string;
  /**
   * Address the socket binds to. Defaults to 0.0.0.0: on Linux a socket bound
   * to a unicast address never receives the group's datagrams.
   */
  bind?: string;
  /** First query interval; it doubles up to maxQueryIntervalMs once a peer answered. */
  queryIntervalMs?: number;
  maxQueryIntervalMs?: number;
  createSocket?: MdnsSocketFactory;
}

// RFC 6762 §6: a record is multicast at most once per second.
const MIN_MULTICAST_INTERVAL_MS = 1000;

/** Advertises this node as _alkor._tcp.local and reports the peers of its cluster that answer. */
export class MdnsDiscovery implements Service {
  readonly name = "mdns-discovery";
  private socket: MdnsSocket | undefined;
  private queryTimer: Timer | undefined;
  private responseTimer: Timer | undefined;
  private lastMulticastAt = Number.NEGATIVE_INFINITY;
  private queryDelayMs: number;
  private peerAnswered = false;

  constructor(private readonly options: MdnsDiscoveryOptions) {
    this.queryDelayMs = options.queryIntervalMs ?? 5000;
  }

  async start(): Promise<void> {
    const { createSocket = makeMulticastDns, log } = this.options;
    const socket = createSocket({ interface: this.options.interface, bind: this.options.bind ?? "0.0.0.0" });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      socket.on("ready", () => {
        ready = true;
        resolve();
      });
      socket.on("error", (error) => {
        if (ready) log.error({ err: error }, "mDNS socket failed; peers will not be discovered by mDNS.");
        else reject(error);
      });
    });
    socket.on("warning", (error) => this.onWarning(error));
    socket.on("query", (packet) => {
      if (isServiceQuery(packet)) this.answerQuery();
    });
    socket.on("response", (packet) => this.onResponse(packet));
    this.multicastAdvertisement(buildAnnouncement(this.options.advertisement));
    this.query();
  }

  async stop(): Promise<void> {
    this.queryTimer?.cancel();
    this.responseTimer?.cancel();
    this.queryTimer = this.responseTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.destroy(resolve));
  }

  private query(): void {
    this.socket?.query(buildQuery(), (error) => this.onSendError(error));
    if (this.peerAnswered) this.queryDelayMs = Math.min(this.queryDelayMs * 2, this.options.maxQueryIntervalMs ?? 60_000);
    this.queryTimer = this.options.clock.after(this.queryDelayMs, () => this.query());
  }

  /** Answers at once, or once the last multicast is a second old; one pending answer covers later queries. */
  private answerQuery(): void {
    if (this.responseTimer !== undefined) return;
    const waitMs = this.lastMulticastAt + MIN_MULTICAST_INTERVAL_MS - this.options.clock.monotonic();
    if (waitMs <= 0) {
      this.multicastAdvertisement(buildResponse(this.options.advertisement));
      return;
    }
    this.responseTimer = this.options.clock.after(waitMs, () => {
      this.responseTimer = undefined;
      this.multicastAdvertisement(buildResponse(this.options.advertisement));
    });
  }

  private multicastAdvertisement(packet: mDNS.ResponseOutgoingPacket): void {
    this.lastMulticastAt = this.options.clock.monotonic();
    this.socket?.respond(packet, (error) => this.onSendError(error));
  }

  private onResponse(packet: unknown): void {
    const { advertisement, log, onPeer } = this.options;
    for (const peer of parsePeers(packet)) {
      if (peer.uuid === advertisement.nodeUuid) continue;
      if (peer.clusterId !== advertisement.clusterId) {
        log.debug({ peerName: peer.name, peerCluster: peer.clusterId }, "Ignoring an alkor node of another cluster.");
        continue;
      }
      this.peerAnswered = true;
      // The callback runs inside the socket's event handler, where a throw would end the process.
      try {
        onPeer(peer);
      } catch (error) {
        log.error({ err: error, peer }, "Handling a peer found by mDNS failed.");
      }
    }
  }

  /** Socket-level trouble (a group not joined) is worth a warning; a malformed packet from the link is not. */
  private onWarning(error: Error): void {
    if ("syscall" in error) this.options.log.warn({ err: error }, "mDNS socket warning.");
    else this.options.log.debug({ err: error }, "Ignoring an undecodable mDNS packet.");
  }

  private onSendError(error?: Error | null): void {
    if (error) this.options.log.warn({ err: error }, "Sending an mDNS packet failed.");
  }
}
