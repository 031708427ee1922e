import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import test from "ava";
import mqtt from "mqtt";
import { LocalCluster } from "../../../src/demo/local-cluster.js";
import { waitFor } from "../../helpers/wait.js";

const run = promisify(execFile);
const cli = join(process.cwd(), "dist", "src", "cli", "alkor-node.js");
const membership = { heartbeatIntervalMs: 250, suspectAfterMs: 1000, deadAfterMs: 2500 };
const names = ["node1", "node2", "node3"];

let baseDir: string;
let cluster: LocalCluster;

test.before(async () => {
  baseDir = await mkdtemp(join(tmpdir(), "alkor-mesh-"));
  cluster = new LocalCluster({ baseDir, clusterId: "meshtest", count: 3, addressPrefix: "127.0.21", membership });
});

test.after.always(async () => {
  await cluster.stop();
  await rm(baseDir, { recursive: true, force: true });
});

async function cliList(node: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cli, "list", "--endpoint", `unix:${cluster.node(node).controlSocket}`, ...args]);
  return stdout;
}

async function uuidOf(viewer: string, name: string): Promise<string | undefined> {
  return (await cluster.list(viewer)).find((node) => node.name === name)?.uuid;
}

async function statusOf(viewer: string, name: string): Promise<string | undefined> {
  return (await cluster.list(viewer)).find((node) => node.name === name)?.status;
}

function running(name: string): boolean {
  const child = cluster.node(name).process;
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

test.serial("three agents discover each other within 5 s", async (t) => {
  const startedAt = Date.now();
  await cluster.start();
  await waitFor("all three agents to see each other alive", () => cluster.converged(names, names), { timeoutMs: 5000 });
  t.log(`full membership after ${Date.now() - startedAt} ms`);
  t.true(await cluster.converged(names, names));
});

test.serial("alkor-node list on each node shows all three alive with their hardware", async (t) => {
  await waitFor("every node's hardware to be announced", async () => {
    const views = await Promise.all(names.map((name) => cluster.list(name)));
    return views.every((nodes) => nodes.every((node) => node.hardware !== null));
  }, { timeoutMs: 30_000 });
  for (const viewer of names) {
    const output = await cliList(viewer, "-o", "name,status,profile", "--no-headers", "--separator", "|");
    t.deepEqual(output.trim().split("\n"), names.map((name) => `${name}|alive|generic`), `as seen from ${viewer}`);
  }
});

test.serial("alkor-node info fetches another node's inventory over RPC", async (t) => {
  const { stdout } = await run(process.execPath, [cli, "info", "node2", "--json", "--endpoint", `unix:${cluster.node("node1").controlSocket}`]);
  const [info] = JSON.parse(stdout) as Array<{ node: { name: string }; inventory: { cpu: unknown } | null; inventoryError?: string }>;
  if (!info) return t.fail("alkor-node info printed no node");
  t.is(info.node.name, "node2");
  t.truthy(info.inventory?.cpu, info.inventoryError);
});

test.serial("alkor-node info on a dead node says why its inventory is unavailable", async (t) => {
  await cluster.stopNode("node3", "SIGKILL");
  t.teardown(async () => {
    await cluster.startNode("node3");
    await waitFor("node3 to be back", () => cluster.converged(names, names), { timeoutMs: 10_000 });
  });
  const { stdout } = await run(process.execPath, [cli, "info", "node3", "--endpoint", `unix:${cluster.node("node1").controlSocket}`]);
  t.regex(stdout, /Node name: node3/);
  t.regex(stdout, /unavailable.*(cannot be reached|did not answer)/i);
});

test.serial("malformed payloads and a flooding client leave every agent running and membership unchanged", async (t) => {
  const node1 = cluster.node("node1");
  const before = await Promise.all(names.map((name) => cluster.list(name)));
  const topic = (node: string, kind: string) => `alkor/v1/meshtest/node/${node}/${kind}`;
  const attacker = await mqtt.connectAsync(`mqtt://${node1.address}:${node1.port}`, { clientId: "attacker", reconnectPeriod: 0 });
  await attacker.publishAsync(topic("node2", "heartbeat"), "{not json");
  await attacker.publishAsync(topic("node2", "heartbeat"), JSON.stringify({ uuid: "nope", seq: -1 }));
  await attacker.publishAsync(topic("intruder", "announce"), JSON.stringify({ name: "intruder" }), { retain: true });
  await attacker.publishAsync(topic("node2", "rpc"), JSON.stringify({ id: "1", method: "node.inventory", params: {}, from: "x", replyTo: "elsewhere", deadline: 0 }));
  for (let i = 0; i < 20_000; i += 1) attacker.publish(topic("node2", "status"), `garbage ${i}`);
  await attacker.endAsync();

  // Refused outright by the broker, which then drops the connection: a 10 MB payload and an unknown topic.
  for (const [name, bad] of [["oversized", { topic: topic("node2", "heartbeat"), payload: Buffer.alloc(10 * 1024 * 1024, 120) }], ["unknown-topic", { topic: "alkor/v1/meshtest/secret", payload: Buffer.from("x") }]] as const) {
    const client = await mqtt.connectAsync(`mqtt://${node1.address}:${node1.port}`, { clientId: name, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.publish(bad.topic, bad.payload);
    await closed;
    t.pass(`${name}: the broker closed the connection`);
  }

  // A raw TCP client speaking garbage.
  const { connect } = await import("node:net");
  await new Promise<void>((resolve) => {
    const socket = connect(node1.port, node1.address, () => socket.end(Buffer.alloc(4096, 255)));
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });

  await waitFor("node1 to log the dropped payloads", async () => {
    const log = await readFile(node1.logPath, "utf8");
    return log.includes("was dropped") && log.includes("exceeds");
  });
  // Damage would show once every agent has heard every other again since the attack ended.
  const attackEndedAt = Date.now();
  await waitFor("every agent to hear every other after the attack", async () => {
    const views = await Promise.all(names.map((name) => cluster.list(name)));
    const asked = Date.now();
    return views.every((nodes) => nodes.every((node) => node.self || asked - node.lastSeenAgoMs > attackEndedAt));
  });
  for (const name of names) t.true(running(name), `${name} is still running`);
  t.true(await cluster.converged(names, names), "all three still see exactly each other alive");
  const after = await Promise.all(names.map((name) => cluster.list(name)));
  t.deepEqual(after.map((nodes) => nodes.map((n) => n.uuid)), before.map((nodes) => nodes.map((n) => n.uuid)));
});

test.serial("an agent of another cluster is refused and never listed", async (t) => {
  const foreignDir = join(baseDir, "foreign");
  const foreign = new LocalCluster({ baseDir: foreignDir, clusterId: "othercluster", count: 1, addressPrefix: "127.0.22", membership, namePrefix: "foreign" });
  const node = foreign.nodes[0]!;
  const node1 = cluster.node("node1");
  await foreign.writeConfig(node, foreign.configFor(node, { discovery: { seeds: [`${node1.address}:${node1.port}`], mdns: false } }));
  await foreign.startNode(node.name);
  t.teardown(() => foreign.stop());
  await waitFor("node1's broker to refuse the foreign agent", async () => (await readFile(node1.logPath, "utf8")).includes("belongs to cluster othercluster"));
  await waitFor("the foreign agent to be refused by node1's broker", async () => (await readFile(node.logPath, "utf8")).includes("refused this node's subscriptions"));
  for (const name of names) t.deepEqual((await cluster.list(name)).map((n) => n.name), names, `as seen from ${name}`);
  t.deepEqual((await foreign.list(node.name)).map((n) => n.name), ["foreign1"]);
});

test.serial("a killed agent is marked dead within the timeout and returns with the same identity", async (t) => {
  const uuid = await uuidOf("node1", "node3");
  const killedAt = Date.now();
  await cluster.stopNode("node3", "SIGKILL");
  await waitFor("node1 and node2 to mark node3 dead", async () => (await statusOf("node1", "node3")) === "dead" && (await statusOf("node2", "node3")) === "dead", {
    timeoutMs: membership.deadAfterMs + 2000,
  });
  const detectedMs = Date.now() - killedAt;
  t.log(`node3 seen dead ${detectedMs} ms after SIGKILL (deadAfterMs ${membership.deadAfterMs})`);
  t.true(detectedMs >= membership.deadAfterMs - membership.heartbeatIntervalMs, "not declared dead before the timeout");

  await cluster.startNode("node3");
  await waitFor("node3 to be alive again everywhere", () => cluster.converged(names, names), { timeoutMs: 10_000 });
  t.is(await uuidOf("node1", "node3"), uuid);
  t.is(await uuidOf("node3", "node3"), uuid);
});

test.serial("SIGTERM stops an agent cleanly", async (t) => {
  const child = cluster.node("node2").process!;
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  t.is(await exit, 0);
  t.regex(await readFile(cluster.node("node2").logPath, "utf8"), /The agent has stopped\./);
});
