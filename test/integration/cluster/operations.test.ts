import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { agreedMaster, clusterInfo, clusterStatus } from "../../../src/demo/cluster-probe.js";
import { LocalCluster } from "../../../src/demo/local-cluster.js";
import { runAlkor } from "../../helpers/alkor-command.js";
import { waitFor } from "../../helpers/wait.js";

const token = "explicit-join-token";
const clusterIp = "127.0.26.254";

// node1-3 hold the cluster's join token, node4 a wrong one, node5 none (it can only be added).
const tokens: Record<string, string | undefined> = { node1: token, node2: token, node3: token, node4: "a-wrong-join-token" };

let baseDir: string;
let cluster: LocalCluster;
const members = ["node1", "node2", "node3"];

test.before(async () => {
  baseDir = await mkdtemp(join(tmpdir(), "alkor-ops-"));
  cluster = new LocalCluster({
    baseDir,
    clusterId: "opstest",
    count: 5,
    addressPrefix: "127.0.26",
    membership: { heartbeatIntervalMs: 250, suspectAfterMs: 1000, deadAfterMs: 2500 },
  });
  for (const node of cluster.nodes) {
    const joinToken = tokens[node.name];
    await cluster.writeConfig(
      node,
      cluster.configFor(node, { cluster: { ...(joinToken ? { joinToken } : {}), siteConfigFile: join(baseDir, "none"), kernelCmdline: join(baseDir, "none") } }),
    );
  }
  await Promise.all(cluster.nodes.map((node) => cluster.startNode(node.name)));
  const names = cluster.nodes.map((node) => node.name);
  await waitFor("the five agents to see each other", () => cluster.converged(names, names), { timeoutMs: 20_000 });
});

test.after.always(async () => {
  await cluster?.stop();
  if (baseDir) await rm(baseDir, { recursive: true, force: true });
});

/** Runs an alkor-* command against a node's agent; resolves with its exit status and output. */
function alkor(node: string, command: string, ...args: string[]) {
  return runAlkor(cluster.node(node).controlSocket, command, args);
}

const sockets = (names: readonly string[]) => names.map((name) => cluster.node(name).controlSocket);
const logOf = (node: string) => readFile(cluster.node(node).logPath, "utf8");

test.serial("before init, cluster commands say the node is in no cluster", async (t) => {
  const answer = await alkor("node1", "alkor-cluster", "getmaster");
  t.is(answer.code, 1);
  t.regex(answer.stderr, /node1 is not part of a cluster yet/);
});

test.serial("alkor-cluster init on any node founds the cluster; nodes with the token join by themselves", async (t) => {
  const init = await alkor("node2", "alkor-cluster", "init", "lab", "--cluster-ip", `${clusterIp}/32`, "--master-netdev", "lo", "--join-token", token);
  t.is(init.code, 0, init.stderr);
  t.regex(init.stdout, /lab/);
  await waitFor("node1 and node3 to join and name node2 the master", async () => (await agreedMaster(sockets(members))) === "node2", { timeoutMs: 20_000 });
  for (const node of members) t.is((await alkor(node, "alkor-cluster", "getmaster")).stdout.trim(), "node2");
  await waitFor("all three to be master candidates", async () => (await clusterInfo(cluster.node("node2").controlSocket)).candidates.length === 3, { timeoutMs: 10_000 });
  const list = await alkor("node3", "alkor-node", "list", "-o", "name,role", "--no-headers", "--separator", "|");
  t.deepEqual(list.stdout.trim().split("\n"), ["node1|C", "node2|M", "node3|C"]);
  const again = await alkor("node1", "alkor-cluster", "init", "other", "--cluster-ip", "127.0.26.253", "--join-token", token);
  t.is(again.code, 1);
  t.regex(again.stderr, /already belongs to cluster lab/);
});

test.serial("a node with a wrong join token is refused, and both sides log it", async (t) => {
  await waitFor("the refusal in both logs", async () => /node4 .*was refused: its join token does not match/.test(await logOf("node2")) && /join token of node node4 does not match/.test(await logOf("node4")), { timeoutMs: 20_000 });
  t.false((await clusterStatus(cluster.node("node4").controlSocket)).member);
  const list = await alkor("node1", "alkor-node", "list", "-o", "name", "--no-headers");
  t.notRegex(list.stdout, /node4/);
});

test.serial("-C no is refused when it would leave the pool short; --force demotes and the master leaves the node alone", async (t) => {
  const refused = await alkor("node1", "alkor-node", "modify", "node3", "-C", "no");
  t.is(refused.code, 1);
  t.regex(refused.stderr, /would leave 2 master candidates where the pool needs 3; use --force/);
  const forced = await alkor("node1", "alkor-node", "modify", "node3", "-C", "no", "--force");
  t.is(forced.code, 0, forced.stderr);
  t.regex(forced.stdout, /Modified node node3\n - master_candidate -> false\n$/);
  // Given time to refill the pool, the master must not promote node3 again: the operator demoted it.
  await waitFor("node3 to stop voting", async () => (await clusterInfo(cluster.node("node2").controlSocket)).candidates.join() === "node1,node2", { timeoutMs: 5000 });
  const list = await alkor("node2", "alkor-node", "list", "-o", "name,role", "--no-headers", "--separator", "|");
  t.deepEqual(list.stdout.trim().split("\n"), ["node1|C", "node2|M", "node3|R"]);
});

test.serial("master-failover on a node that is not a candidate is refused naming the valid nodes; on a candidate it moves the master role", async (t) => {
  const refused = await alkor("node3", "alkor-cluster", "master-failover");
  t.is(refused.code, 1);
  t.regex(refused.stderr, /node3 is not a master candidate; run master-failover on one of: node1\./);
  const moved = await alkor("node1", "alkor-cluster", "master-failover");
  t.is(moved.code, 0, moved.stderr);
  t.regex(moved.stdout, /Master role moved to node1/);
  await waitFor("every member to name node1", async () => (await agreedMaster(sockets(members))) === "node1", { timeoutMs: 10_000 });
  const back = await alkor("node3", "alkor-node", "modify", "node3", "-C", "yes");
  t.is(back.code, 0, back.stderr);
});

test.serial("alkor-node add admits a discovered node without a token; alkor-node remove makes it forget the cluster", async (t) => {
  const added = await alkor("node2", "alkor-node", "add", "node5");
  t.is(added.code, 0, added.stderr);
  await waitFor("node5 to follow the master", async () => (await clusterStatus(cluster.node("node5").controlSocket)).master === "node1", { timeoutMs: 10_000 });
  t.regex((await alkor("node5", "alkor-node", "list", "-o", "name", "--no-headers")).stdout, /node5/);
  const twice = await alkor("node2", "alkor-node", "add", "node5");
  t.is(twice.code, 1);
  t.regex(twice.stderr, /node5 is already a member of cluster lab/);
  const unknown = await alkor("node2", "alkor-node", "add", "node9");
  t.regex(unknown.stderr, /No node named node9 has been discovered/);

  const removed = await alkor("node3", "alkor-node", "remove", "node5");
  t.is(removed.code, 0, removed.stderr);
  await waitFor("node5 to forget the cluster", async () => !(await clusterStatus(cluster.node("node5").controlSocket)).member, { timeoutMs: 10_000 });
  t.notRegex((await alkor("node1", "alkor-node", "list", "-o", "name", "--no-headers")).stdout, /node5/);
  const master = await alkor("node2", "alkor-node", "remove", "node1");
  t.regex(master.stderr, /node1 is the master; fail over to another node before removing it/);
});

test.serial("a removed node that holds the join token does not join again by itself", async (t) => {
  const removed = await alkor("node1", "alkor-node", "remove", "node3");
  t.is(removed.code, 0, removed.stderr);
  // A formation round that has looked and chose to wait, whatever its words, is the decision to stay out.
  let reason: string | null = null;
  await waitFor("node3 to forget the cluster and then decide to stay out", async () => {
    const status = await clusterStatus(cluster.node("node3").controlSocket);
    return !status.member && (reason = status.formation) !== null;
  }, { timeoutMs: 15_000 });
  t.log(`node3 waits: ${reason}`);
  t.false((await clusterStatus(cluster.node("node3").controlSocket)).member);
  t.notRegex((await alkor("node1", "alkor-node", "list", "-o", "name", "--no-headers")).stdout, /node3/);
  const added = await alkor("node1", "alkor-node", "add", "node3");
  t.is(added.code, 0, added.stderr);
  await waitFor("node3 to follow the master again", async () => (await clusterStatus(cluster.node("node3").controlSocket)).master === "node1", { timeoutMs: 10_000 });
});

test.serial("alkor-cluster modify and info agree on every member", async (t) => {
  const modified = await alkor("node3", "alkor-cluster", "modify", "--candidate-pool-size", "2");
  t.is(modified.code, 0, modified.stderr);
  for (const node of members) {
    const info = await alkor(node, "alkor-cluster", "info", "--json");
    t.like(JSON.parse(info.stdout), { name: "lab", master: "node1", candidatePoolSize: 2, clusterIp: `${clusterIp}/32` });
  }
  const version = await alkor("node3", "alkor-cluster", "version");
  t.regex(version.stdout, /node3/);
});
