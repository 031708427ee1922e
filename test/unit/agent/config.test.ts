import test from "ava";
import { parseAgentConfig, parseAgentConfigText } from "../../../src/agent/config.js";

test("an empty configuration gives every setting its default", (t) => {
  const config = parseAgentConfigText("", "/etc/alkor/alkord.json");
  t.is(config.clusterId, "alkor");
  t.is(config.stateDir, "/var/lib/alkor");
  t.is(config.controlSocket, "/run/alkor/alkord.sock");
  t.deepEqual(config.management, { address: "127.0.0.1", brokerPort: 1883 });
  t.deepEqual(config.discovery, { seeds: [], mdns: false });
  t.deepEqual(config.membership, { heartbeatIntervalMs: 1000, suspectAfterMs: 3000, deadAfterMs: 10_000 });
  t.is(config.transport.maxPayloadBytes, 256 * 1024);
});

test("a partial section keeps the defaults of its other fields", (t) => {
  const config = parseAgentConfig({ membership: { deadAfterMs: 20_000 } }, "test");
  t.deepEqual(config.membership, { heartbeatIntervalMs: 1000, suspectAfterMs: 3000, deadAfterMs: 20_000 });
});

test("errors name every bad field and the file", (t) => {
  const error = t.throws(() =>
    parseAgentConfig({ management: { brokerPort: 70000 }, discovery: { seeds: ["nohostport"] }, clusterId: "a/b" }, "/etc/alkor/alkord.json"),
  );
  t.like(error, { code: "wrong_input" });
  t.regex(error!.message, /Invalid configuration in \/etc\/alkor\/alkord\.json/);
  t.regex(error!.message, /management\.brokerPort/);
  t.regex(error!.message, /discovery\.seeds\.0: must be HOST:PORT/);
  t.regex(error!.message, /clusterId/);
});

test("an unknown setting is refused rather than ignored", (t) => {
  t.throws(() => parseAgentConfig({ managment: {} }, "f"), { message: /managment/ });
});

test("timeouts must grow from heartbeat to suspect to dead", (t) => {
  t.throws(() => parseAgentConfig({ membership: { heartbeatIntervalMs: 1000, suspectAfterMs: 5000, deadAfterMs: 4000 } }, "f"), {
    message: /membership\.deadAfterMs: deadAfterMs must be longer than suspectAfterMs/,
  });
});

test("text that is not JSON is refused with the file named", (t) => {
  t.throws(() => parseAgentConfigText("{ clusterId: x", "/tmp/x.json"), { message: /\/tmp\/x\.json is not valid JSON/ });
});
