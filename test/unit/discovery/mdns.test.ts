import { EventEmitter } from "node:events";
import test from "ava";
import type mDNS from "multicast-dns";
import { memoryLogger } from "../../helpers/log.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { MdnsDiscovery, type MdnsDiscoveryOptions, type MdnsSocket } from "../../../src/discovery/mdns.js";
import { buildResponse, type MdnsAdvertisement, type MdnsPeer } from "../../../src/discovery/mdns-records.js";

/** Records what discovery sends; the test plays the link by emitting packets. */
class FakeSocket extends EventEmitter implements MdnsSocket {
  readonly queries: mDNS.QueryOutgoingPacket[] = [];
  readonly responses: mDNS.ResponseOutgoingPacket[] = [];
  destroyed = false;

  query(packet: mDNS.QueryOutgoingPacket, callback: (error?: Error | null) => void): void {
    this.queries.push(packet);
    callback(null);
  }

  respond(packet: mDNS.ResponseOutgoingPacket, callback: (error?: Error | null) => void): void {
    this.responses.push(packet);
    callback(null);
  }

  destroy(callback: () => void): void {
    this.destroyed = true;
    callback();
  }
}

const self: MdnsAdvertisement = {
  nodeName: "alpha",
  nodeUuid: "6f1c1d52-3c1e-4d7e-9a8e-2f0d7c2b8a11",
  clusterId: "lab",
  address: "10.0.0.11",
  port: 1883,
};
const beta: MdnsAdvertisement = { ...self, nodeName: "beta", nodeUuid: "0b3e8a54-58a5-4f6e-8f0f-7d7f4a0a9c22", address: "10.0.0.12" };
const gamma: MdnsAdvertisement = { ...self, nodeName: "gamma", nodeUuid: "c2d7e1f0-9a3b-4c5d-8e6f-1a2b3c4d5e6f", clusterId: "other" };
const rinfo = { address: "10.0.0.12", family: "IPv4" as const, port: 5353, size: 100 };
const serviceQuery = { type: "query", questions: [{ name: "_alkor._tcp.local", type: "PTR" }] };

function setup(overrides: Partial<MdnsDiscoveryOptions> = {}) {
  const clock = new ManualClock();
  const socket = new FakeSocket();
  const peers: MdnsPeer[] = [];
  const socketOptions: mDNS.Options[] = [];
  const { log, events } = memoryLogger();
  const discovery = new MdnsDiscovery({
    advertisement: self,
    clock,
    log,
    onPeer: (peer) => peers.push(peer),
    createSocket: (options) => {
      socketOptions.push(options);
      process.nextTick(() => socket.emit("ready"));
      return socket;
    },
    ...overrides,
  });
  return { clock, socket, peers, socketOptions, events, discovery };
}

test("start binds to all addresses, announces this node and queries for peers", async (t) => {
  const { socket, socketOptions, discovery } = setup({ interface: "10.0.0.11" });
  await discovery.start();
  t.deepEqual(socketOptions, [{ interface: "10.0.0.11", bind: "0.0.0.0" }]);
  t.is(socket.responses.length, 1);
  t.is(socket.responses[0]!.answers.length, 4);
  t.deepEqual(socket.queries, [{ questions: [{ name: "_alkor._tcp.local", type: "PTR" }] }]);
});

test("an explicit bind address is passed to multicast-dns", async (t) => {
  const { socketOptions, discovery } = setup({ bind: "224.0.0.251" });
  await discovery.start();
  t.is(socketOptions[0]!.bind, "224.0.0.251");
});

test("start fails when the socket cannot bind, and stop then releases it", async (t) => {
  const socket = new FakeSocket();
  const { discovery } = setup({
    createSocket: () => {
      process.nextTick(() => socket.emit("error", Object.assign(new Error("bind EADDRINUSE"), { code: "EADDRINUSE" })));
      return socket;
    },
  });
  await t.throwsAsync(discovery.start(), { message: "bind EADDRINUSE" });
  await discovery.stop();
  t.true(socket.destroyed);
});

test("a query for the service is answered, but not sooner than a second after the last multicast", async (t) => {
  const { clock, socket, discovery } = setup();
  await discovery.start();
  socket.emit("query", serviceQuery, rinfo);
  socket.emit("query", serviceQuery, rinfo);
  t.is(socket.responses.length, 1, "the announcement was just sent");
  clock.advance(999);
  t.is(socket.responses.length, 1);
  clock.advance(1);
  t.is(socket.responses.length, 2, "one answer covers both queries");
  t.deepEqual(socket.responses[1], buildResponse(self));
  clock.advance(4000);
  socket.emit("query", serviceQuery, rinfo);
  t.is(socket.responses.length, 3, "answered at once when the last multicast is old enough");
});

test("queries for other names are not answered", async (t) => {
  const { clock, socket, discovery } = setup();
  await discovery.start();
  socket.emit("query", { type: "query", questions: [{ name: "printer.local", type: "A" }] }, rinfo);
  clock.advance(2000);
  t.is(socket.responses.length, 1);
});

test("peers of our cluster are reported, those of another cluster and ourselves are not", async (t) => {
  const { socket, peers, events, discovery } = setup();
  await discovery.start();
  socket.emit("response", buildResponse(self), rinfo);
  socket.emit("response", buildResponse(gamma), rinfo);
  socket.emit("response", buildResponse(beta), rinfo);
  socket.emit("response", buildResponse(beta), rinfo);
  const betaPeer = { name: "beta", uuid: beta.nodeUuid, clusterId: "lab", address: "10.0.0.12", port: 1883 };
  t.deepEqual(peers, [betaPeer, betaPeer]);
  t.like(events.find((event) => event.peerCluster !== undefined), { level: 20, peerName: "gamma", peerCluster: "other" });
});

test("malformed packets and undecodable-packet warnings are ignored", async (t) => {
  const { socket, peers, discovery } = setup();
  await discovery.start();
  t.notThrows(() => {
    socket.emit("response", { answers: [{ name: "_alkor._tcp.local", type: "PTR", data: 42 }] }, rinfo);
    socket.emit("response", null, rinfo);
    socket.emit("query", { questions: 7 }, rinfo);
    socket.emit("warning", new RangeError("Cannot decode name (bad label)"));
  });
  t.deepEqual(peers, []);
});

test("a throwing onPeer does not escape into the socket", async (t) => {
  const { socket, discovery } = setup({
    onPeer: () => {
      throw new Error("membership is broken");
    },
  });
  await discovery.start();
  t.notThrows(() => socket.emit("response", buildResponse(beta), rinfo));
});

test("queries repeat every interval, backing off to the maximum once a peer answered", async (t) => {
  const { clock, socket, discovery } = setup({ queryIntervalMs: 5000, maxQueryIntervalMs: 60_000 });
  await discovery.start();
  const startedAt = clock.monotonic();
  const queryTimes = [0];
  const record = (ms: number) => {
    const before = socket.queries.length;
    clock.advance(ms);
    t.is(socket.queries.length, before + 1);
    queryTimes.push(clock.monotonic() - startedAt);
  };
  record(5000);
  record(5000);
  socket.emit("response", buildResponse(beta), rinfo);
  for (const ms of [5000, 10_000, 20_000, 40_000, 60_000, 60_000]) record(ms);
  t.deepEqual(queryTimes, [0, 5000, 10_000, 15_000, 25_000, 45_000, 85_000, 145_000, 205_000]);
});

test("stop cancels the timers and destroys the socket; a second stop is harmless", async (t) => {
  const { clock, socket, discovery } = setup();
  await discovery.start();
  socket.emit("query", serviceQuery, rinfo);
  await discovery.stop();
  t.true(socket.destroyed);
  clock.advance(120_000);
  t.is(socket.queries.length, 1, "no query after stop");
  t.is(socket.responses.length, 1, "the pending answer was cancelled");
  await discovery.stop();
});

test("stop before start does nothing", async (t) => {
  const { socket, discovery } = setup();
  await discovery.stop();
  t.false(socket.destroyed);
});
