import { readFile } from "node:fs/promises";
import test from "ava";
import { waitUntilAllSeeAll } from "../../../src/demo/local-cluster.js";
import type { Liveness } from "../../../src/model/node.js";
import { processExec } from "../../../src/host/exec.js";
import { NetnsCluster, removeLeftoverNamespaces, sampleEvery } from "../../helpers/netns-cluster.js";
import { deleteNamespace, ip, listNamespaces, pidsIn } from "../../helpers/netns/namespaces.js";
import { waitFor } from "../../helpers/wait.js";

const names = ["node1", "node2", "node3"];
const cluster = new NetnsCluster({ count: 3, clusterId: "netnstest", membership: { heartbeatIntervalMs: 250, suspectAfterMs: 1000, deadAfterMs: 2500 } });

test.before(() => cluster.start());
test.after.always(() => cluster.destroy());

function sockets(viewers: readonly string[]): string[] {
  return viewers.map((name) => cluster.node(name).controlSocket);
}

/** True when every viewer lists every one of `subjects` with `status`. */
async function allSee(viewers: readonly string[], subjects: readonly string[], status: Liveness): Promise<boolean> {
  const views = await Promise.all(viewers.map((viewer) => cluster.list(viewer)));
  return views.every((nodes) => subjects.every((subject) => nodes.find((node) => node.name === subject)?.status === status));
}

test.serial("three agents in three namespaces reach full membership", async (t) => {
  const waitedMs = await waitUntilAllSeeAll(sockets(names), names, { timeoutMs: 15_000, pollMs: 50 });
  t.log(`full membership ${waitedMs} ms after the agents were spawned`);
  t.true(await allSee(names, names, "alive"));
});

test.serial("each agent runs in its own namespace, reachable only at its own segment address", async (t) => {
  for (const node of cluster.nodes) {
    const pid = cluster.pidOf(node.name);
    if (pid === undefined) return t.fail(`${node.name} is not running`);
    t.is((await ip("netns", "identify", String(pid))).trim(), node.namespace);
    t.deepEqual(await cluster.addressesOf(node.name), [node.address]);
  }
});

test.serial("a partitioned node and the rest see each other dead, then alive again once healed", async (t) => {
  const cutAt = Date.now();
  await cluster.partition(["node3"]);
  // The majority side must stay whole while node3 is cut off.
  const majority = sampleEvery(50, () => allSee(["node1", "node2"], ["node1", "node2"], "alive"));
  await waitFor("node1 and node2 to see node3 dead", () => allSee(["node1", "node2"], ["node3"], "dead"), { timeoutMs: 10_000 });
  t.log(`node1 and node2 saw node3 dead ${Date.now() - cutAt} ms after the cut`);
  await waitFor("node3 to see node1 and node2 dead", () => allSee(["node3"], ["node1", "node2"], "dead"), { timeoutMs: 10_000 });
  t.log(`node3 saw node1 and node2 dead ${Date.now() - cutAt} ms after the cut`);
  const samples = await majority.stop();
  t.true(samples.length > 0);
  t.deepEqual(samples.filter((sample) => !sample.value), [], "node1 and node2 kept seeing each other alive");

  const healedAt = Date.now();
  await cluster.heal();
  const waitedMs = await waitUntilAllSeeAll(sockets(names), names, { timeoutMs: 20_000, pollMs: 50 });
  t.log(`all alive again ${waitedMs} ms after healing (${Date.now() - healedAt} ms with the heal itself)`);
});

test.serial("nodes cut off together still see each other alive, and the rest see them dead", async (t) => {
  await cluster.partition(["node2", "node3"]);
  await waitFor("node1 and the node2-node3 side to see each other dead", async () =>
    (await allSee(["node1"], ["node2", "node3"], "dead")) && (await allSee(["node2", "node3"], ["node1"], "dead")), { timeoutMs: 10_000 });
  t.true(await allSee(["node2", "node3"], ["node2", "node3"], "alive"));
  await cluster.heal();
  await waitUntilAllSeeAll(sockets(names), names, { timeoutMs: 20_000, pollMs: 50 });
});

test.serial("the others see an agent killed with SIGKILL dead, and alkor-node in their namespaces says so", async (t) => {
  const killedAt = Date.now();
  await cluster.stopNode("node1", "SIGKILL");
  await waitFor("node2 and node3 to see node1 dead", () => allSee(["node2", "node3"], ["node1"], "dead"), { timeoutMs: 10_000 });
  t.log(`node2 and node3 saw node1 dead ${Date.now() - killedAt} ms after kill -9`);
  for (const viewer of ["node2", "node3"]) {
    const { stdout } = await cluster.cli(viewer, ["list", "-o", "name,status", "--no-headers", "--separator", "|"]);
    t.deepEqual(stdout.trim().split("\n"), ["node1|dead", "node2|alive", "node3|alive"], `as seen from ${viewer}`);
  }
});

test.serial("destroy leaves no process, namespace or interface of the run behind, and can be repeated", async (t) => {
  const namespaces = [cluster.hubNamespace, ...cluster.nodes.map((node) => node.namespace)];
  // Every process in the run's namespaces: the agents and whatever they started.
  const pids = (await Promise.all(namespaces.map((namespace) => pidsIn(namespace)))).flat();
  t.true(pids.length >= 2, "node2 and node3 were running");

  await cluster.destroy();

  const left = (await listNamespaces()).filter((namespace) => namespace.includes(cluster.runId));
  t.deepEqual(left, []);
  const links = JSON.parse(await ip("-j", "link")) as Array<{ ifname: string }>;
  t.deepEqual(links.filter((link) => link.ifname.includes(cluster.runId)), [], "no bridge or veth of the run in the host's namespace");
  t.deepEqual((await Promise.all(pids.map(async (pid) => ((await isRunning(pid)) ? [pid] : [])))).flat(), []);
  await t.notThrowsAsync(cluster.destroy());
});

test.serial("leftover namespaces of a run whose process has ended are removed, others kept", async (t) => {
  const ended = await processExec.run(["sh", "-c", "echo $$"]);
  const leftover = `alkor-nc-${ended.stdout.trim()}-deadbeef-hub`;
  const live = `alkor-nc-${process.pid}-deadbeef-hub`;
  await ip("netns", "add", leftover);
  await ip("netns", "add", live);
  t.teardown(() => deleteNamespace(live));
  const removed = await removeLeftoverNamespaces();
  t.true(removed.includes(leftover));
  t.false(removed.includes(live));
  const namespaces = await listNamespaces();
  t.false(namespaces.includes(leftover));
  t.true(namespaces.includes(live));
});

/** A zombie has ended; it only waits for its parent (init, for an agent's orphaned child) to reap it. */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z /s.test(stat);
}
