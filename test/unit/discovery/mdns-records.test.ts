import test from "ava";
import {
  SERVICE_TYPE,
  buildAnnouncement,
  buildQuery,
  buildResponse,
  isServiceQuery,
  parsePeers,
  type MdnsAdvertisement,
} from "../../../src/discovery/mdns-records.js";

const alpha: MdnsAdvertisement = {
  nodeName: "alpha",
  nodeUuid: "6f1c1d52-3c1e-4d7e-9a8e-2f0d7c2b8a11",
  clusterId: "lab",
  address: "10.0.0.11",
  port: 1883,
};

const alphaPeer = { name: "alpha", uuid: alpha.nodeUuid, clusterId: "lab", address: "10.0.0.11", port: 1883 };

/** How dns-packet decodes a TXT record: one Buffer per string. */
function decodedTxt(...texts: string[]): Buffer[] {
  return texts.map((text) => Buffer.from(text));
}

/** A response as multicast-dns hands it over, with the records of one node. */
function response(overrides: { ptr?: unknown; srv?: unknown; txt?: unknown; a?: unknown } = {}): unknown {
  return {
    type: "response",
    answers: [{ name: SERVICE_TYPE, type: "PTR", ttl: 4500, data: overrides.ptr ?? "alpha._alkor._tcp.local" }],
    additionals: [
      { name: "alpha._alkor._tcp.local", type: "SRV", ttl: 120, data: overrides.srv ?? { port: 1883, target: "alpha.local" } },
      {
        name: "alpha._alkor._tcp.local",
        type: "TXT",
        ttl: 4500,
        data: overrides.txt ?? decodedTxt("cluster=lab", `uuid=${alpha.nodeUuid}`, "v=1"),
      },
      { name: "alpha.local", type: "A", ttl: 120, data: overrides.a ?? "10.0.0.11" },
    ],
  };
}

test("the response to a query is a PTR answer with SRV, TXT and A as additional records", (t) => {
  t.deepEqual(buildResponse(alpha), {
    answers: [{ name: "_alkor._tcp.local", type: "PTR", ttl: 4500, data: "alpha._alkor._tcp.local" }],
    additionals: [
      { name: "alpha._alkor._tcp.local", type: "SRV", ttl: 120, flush: true, data: { port: 1883, target: "alpha.local" } },
      {
        name: "alpha._alkor._tcp.local",
        type: "TXT",
        ttl: 4500,
        flush: true,
        data: ["cluster=lab", `uuid=${alpha.nodeUuid}`, "v=1"],
      },
      { name: "alpha.local", type: "A", ttl: 120, flush: true, data: "10.0.0.11" },
    ],
  });
});

test("an announcement carries the same four records in its answer section", (t) => {
  const { answers, additionals } = buildResponse(alpha);
  t.deepEqual(buildAnnouncement(alpha), { answers: [...answers, ...(additionals ?? [])] });
});

test("our own advertisement parses back into this node", (t) => {
  t.deepEqual(parsePeers(buildResponse(alpha)), [alphaPeer]);
  t.deepEqual(parsePeers(buildAnnouncement(alpha)), [alphaPeer]);
});

test("a decoded response is parsed into a peer of any cluster", (t) => {
  t.deepEqual(parsePeers(response()), [alphaPeer]);
  t.deepEqual(parsePeers(response({ txt: decodedTxt("cluster=other", `uuid=${alpha.nodeUuid}`, "v=1") })), [
    { ...alphaPeer, clusterId: "other" },
  ]);
});

test("names are matched without regard to case and a dotted node name survives", (t) => {
  const packet = {
    answers: [{ name: "_ALKOR._tcp.local", type: "PTR", ttl: 10, data: "Node1.Rack2._alkor._tcp.local" }],
    additionals: [
      { name: "node1.rack2._alkor._tcp.local", type: "SRV", ttl: 10, data: { port: 8883, target: "Node1.Rack2.local" } },
      { name: "NODE1.RACK2._alkor._tcp.local", type: "TXT", ttl: 10, data: decodedTxt("Cluster=lab", `UUID=${alpha.nodeUuid}`, "V=1") },
      { name: "node1.rack2.local", type: "A", ttl: 10, data: "10.0.0.12" },
    ],
  };
  t.deepEqual(parsePeers(packet), [{ name: "Node1.Rack2", uuid: alpha.nodeUuid, clusterId: "lab", address: "10.0.0.12", port: 8883 }]);
});

test("unknown TXT keys are ignored and the first occurrence of a key wins", (t) => {
  const txt = decodedTxt("fp=sha256:ab", "cluster=lab", "cluster=other", `uuid=${alpha.nodeUuid}`, "v=1", "flag");
  t.deepEqual(parsePeers(response({ txt })), [alphaPeer]);
});

test("TXT given as strings, as multicast-dns accepts them, is read too", (t) => {
  t.deepEqual(parsePeers(response({ txt: ["cluster=lab", `uuid=${alpha.nodeUuid}`, "v=1"] })), [alphaPeer]);
});

test("every PTR answer with complete records gives one peer, duplicates once", (t) => {
  const beta = buildResponse({ ...alpha, nodeName: "beta", nodeUuid: "0b3e8a54-58a5-4f6e-8f0f-7d7f4a0a9c22", address: "10.0.0.12" });
  const both = {
    answers: [...buildResponse(alpha).answers, ...beta.answers, ...buildResponse(alpha).answers],
    additionals: [...(buildResponse(alpha).additionals ?? []), ...(beta.additionals ?? [])],
  };
  t.deepEqual(
    parsePeers(both).map((peer) => peer.name),
    ["alpha", "beta"],
  );
});

const malformed: Array<[string, unknown]> = [
  ["nothing", undefined],
  ["a string", "response"],
  ["answers that are not a list", { answers: { name: SERVICE_TYPE } }],
  ["records that are not objects", { answers: [null, 7, "PTR"], additionals: [[]] }],
  ["a PTR with no records behind it", { answers: [{ name: SERVICE_TYPE, type: "PTR", ttl: 10, data: "alpha._alkor._tcp.local" }] }],
  ["a PTR whose data is not a name", response({ ptr: { name: "alpha" } })],
  ["a PTR to another service", response({ ptr: "alpha._http._tcp.local" })],
  ["an SRV without a target", response({ srv: { port: 1883 } })],
  ["an SRV whose port is a string", response({ srv: { port: "1883", target: "alpha.local" } })],
  ["an SRV whose port is out of range", response({ srv: { port: 70000, target: "alpha.local" } })],
  ["an A record that is not an IPv4 address", response({ a: "fe80::1" })],
  ["a TXT of numbers", response({ txt: [1, 2, 3] })],
  ["a TXT without the cluster", response({ txt: decodedTxt(`uuid=${alpha.nodeUuid}`, "v=1") })],
  ["a TXT with a malformed uuid", response({ txt: decodedTxt("cluster=lab", "uuid=42", "v=1") })],
  ["a TXT with a cluster id holding a topic separator", response({ txt: decodedTxt("cluster=a/b", `uuid=${alpha.nodeUuid}`, "v=1") })],
  ["a TXT of another version", response({ txt: decodedTxt("cluster=lab", `uuid=${alpha.nodeUuid}`, "v=2") })],
  ["a TXT without a version", response({ txt: decodedTxt("cluster=lab", `uuid=${alpha.nodeUuid}`) })],
  ["a huge TXT", response({ txt: [...decodedTxt("cluster=lab", `uuid=${alpha.nodeUuid}`, "v=1"), ...Array(100).fill(Buffer.alloc(255, 0x61))] })],
  ["an instance name that is not a host name", response({ ptr: "al_pha._alkor._tcp.local" })],
];

for (const [what, packet] of malformed) {
  test(`a response with ${what} gives no peer`, (t) => {
    t.deepEqual(parsePeers(packet), []);
  });
}

test("goodbye records (TTL 0) are not advertisements", (t) => {
  const goodbye = buildAnnouncement(alpha);
  t.deepEqual(parsePeers({ answers: goodbye.answers.map((record) => ({ ...record, ttl: 0 })) }), []);
});

test("the query asks for the PTR records of the service", (t) => {
  t.deepEqual(buildQuery(), { questions: [{ name: "_alkor._tcp.local", type: "PTR" }] });
  t.true(isServiceQuery(buildQuery()));
});

test("queries for the service by PTR or ANY are ours, others and malformed ones are not", (t) => {
  t.true(isServiceQuery({ questions: [{ name: "other.local", type: "A" }, { name: "_alkor._TCP.local", type: "ANY" }] }));
  t.false(isServiceQuery({ questions: [{ name: "_alkor._tcp.local", type: "A" }] }));
  t.false(isServiceQuery({ questions: [{ name: "_http._tcp.local", type: "PTR" }] }));
  t.false(isServiceQuery({ questions: "_alkor._tcp.local" }));
  t.false(isServiceQuery({ questions: [null, { name: 5, type: "PTR" }] }));
  t.false(isServiceQuery(null));
});
