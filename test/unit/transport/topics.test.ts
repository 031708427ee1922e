import test from "ava";
import { decodePayload } from "../../../src/transport/codec.js";
import { everyNodeTopic, nodeTopic, parseTopic } from "../../../src/transport/topics.js";

test("node topics round-trip through the parser", (t) => {
  const topic = nodeTopic("c1", "node1.example.com", "heartbeat");
  t.is(topic, "alkor/v1/c1/node/node1.example.com/heartbeat");
  t.deepEqual(parseTopic(topic), { clusterId: "c1", nodeName: "node1.example.com", kind: "heartbeat" });
  t.is(everyNodeTopic("c1", "announce"), "alkor/v1/c1/node/+/announce");
});

test("topics outside the map do not parse", (t) => {
  for (const topic of ["alkor/v1/c1/node/n1/bogus", "alkor/v2/c1/node/n1/status", "x/y", "alkor/v1/c1/node/n1/status/extra", "alkor/v1/c 1/node/n1/status", "alkor/v1/c1/nodes/n1/status"]) {
    t.is(parseTopic(topic), null, topic);
  }
});

test("decoding refuses oversized, non-JSON and off-schema payloads with a reason", (t) => {
  const big = decodePayload("status", Buffer.alloc(2000, 32), 1024);
  t.false(big.ok);
  t.regex(!big.ok ? big.reason : "", /exceeds the limit of 1024/);
  const garbage = decodePayload("status", Buffer.from("{not json"), 1024);
  t.regex(!garbage.ok ? garbage.reason : "", /not valid JSON/);
  const wrong = decodePayload("status", Buffer.from(JSON.stringify({ uuid: "x", state: "online" })), 1024);
  t.regex(!wrong.ok ? wrong.reason : "", /status schema: uuid/);
});

test("decoding accepts a valid payload", (t) => {
  const payload = { uuid: "00000000-0000-4000-8000-000000000001", state: "offline" };
  const decoded = decodePayload("status", Buffer.from(JSON.stringify(payload)), 1024);
  t.deepEqual(decoded, { ok: true, payload });
});
