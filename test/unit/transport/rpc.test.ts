import test from "ava";
import { z } from "zod";
import { systemClock } from "../../../src/host/clock.js";
import { cryptoRandom } from "../../../src/host/random.js";
import { EmbeddedBroker } from "../../../src/transport/broker.js";
import { DropLog } from "../../../src/transport/drop-log.js";
import { brokerEndpoint } from "../../../src/transport/endpoint.js";
import { Mesh } from "../../../src/transport/mesh.js";
import { TopicRouter, viaLocalBroker } from "../../../src/transport/router.js";
import { RpcEndpoint } from "../../../src/transport/rpc.js";
import { everyNodeTopic, nodeTopic } from "../../../src/transport/topics.js";
import { memoryLogger } from "../../helpers/log.js";
import { waitFor } from "../../helpers/wait.js";

const clusterId = "rpctest";
const methods = {
  echo: { params: z.object({ text: z.string() }), result: z.object({ text: z.string(), by: z.string() }) },
  fail: { params: z.object({}), result: z.object({}) },
  hang: { params: z.object({}), result: z.object({}) },
};

async function startNode(name: string) {
  const { log, events } = memoryLogger();
  const broker = new EmbeddedBroker({ address: "127.0.0.1", port: 0, clusterId, limits: { maxPayloadBytes: 64 * 1024, maxRaftPayloadBytes: 64 * 1024 }, log, clock: systemClock });
  await broker.start();
  const router = new TopicRouter(clusterId, { maxPayloadBytes: 64 * 1024, maxRaftPayloadBytes: 64 * 1024 }, new DropLog(log, systemClock), log);
  const mesh = new Mesh({
    selfName: name,
    selfEndpoint: brokerEndpoint("127.0.0.1", broker.port),
    will: { topic: nodeTopic(clusterId, name, "status"), payload: Buffer.from("{}") },
    subscriptions: [nodeTopic(clusterId, name, "reply")],
    bootstrapSubscriptions: [],
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
    clock: systemClock,
    random: cryptoRandom,
    log,
    onMessage: (topic, payload, endpoint) => router.dispatch(topic, payload, endpoint),
    onLinkUp: () => {},
  });
  await mesh.start();
  const rpc = new RpcEndpoint({ selfName: name, clusterId, methods, broker, mesh, clock: systemClock, random: cryptoRandom, log, defaultTimeoutMs: 2000 });
  let calls = 0;
  rpc.serve({
    echo: async ({ text }) => {
      calls += 1;
      return { text, by: name };
    },
    fail: async () => {
      const { AlkorError } = await import("../../../src/model/errors.js");
      throw new AlkorError("wrong_state", "This node refuses on purpose.");
    },
    hang: () => new Promise(() => {}),
  });
  router.on("rpc", (request, topic) => topic.nodeName === name && rpc.handleRequest(request));
  router.on("reply", (reply, topic) => topic.nodeName === name && rpc.handleReply(reply));
  await broker.subscribe(everyNodeTopic(clusterId, "rpc"), (topic, payload) => router.dispatch(topic, payload, viaLocalBroker));
  const stop = async () => {
    rpc.close();
    await mesh.stop();
    await broker.stop();
  };
  return { name, broker, mesh, rpc, events, stop, calls: () => calls, endpoint: brokerEndpoint("127.0.0.1", broker.port) };
}

async function pair(t: { teardown(fn: () => Promise<void>): void }) {
  const a = await startNode("alpha");
  const b = await startNode("beta");
  t.teardown(async () => {
    await a.stop();
    await b.stop();
  });
  a.mesh.bindNode("beta", b.endpoint);
  await waitFor("the link from alpha to beta", () => a.mesh.linkedEndpoints().includes(b.endpoint));
  return { a, b };
}

test("a call reaches the other node's handler and its answer comes back", async (t) => {
  const { a } = await pair(t);
  t.deepEqual(await a.rpc.call("beta", "echo", { text: "hi" }), { text: "hi", by: "beta" });
});

test("a handler's coded error reaches the caller with its code and sentence", async (t) => {
  const { a } = await pair(t);
  const error = await t.throwsAsync(a.rpc.call("beta", "fail", {}));
  t.like(error, { code: "wrong_state", message: "This node refuses on purpose." });
});

test("a call nobody answers fails with a timeout error naming the node", async (t) => {
  const { a } = await pair(t);
  const error = await t.throwsAsync(a.rpc.call("beta", "hang", {}, 300));
  t.like(error, { code: "timeout" });
  t.regex(error!.message, /Node beta did not answer hang within 300 ms/);
});

test("bad parameters are answered with wrong_input, not run", async (t) => {
  const { a, b } = await pair(t);
  const error = await t.throwsAsync(a.rpc.call("beta", "echo", { text: 5 } as unknown as { text: string }));
  t.like(error, { code: "wrong_input" });
  t.is(b.calls(), 0);
});

test("a call to a node without a link fails at once", async (t) => {
  const { a } = await pair(t);
  const error = await t.throwsAsync(a.rpc.call("gamma", "echo", { text: "x" }));
  t.like(error, { code: "environment_error" });
});

test("a call to itself runs locally", async (t) => {
  const { a } = await pair(t);
  t.deepEqual(await a.rpc.call("alpha", "echo", { text: "self" }), { text: "self", by: "alpha" });
});
