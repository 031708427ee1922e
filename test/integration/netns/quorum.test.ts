import { join } from "node:path";
import test from "ava";
import { AddressMonitor, NetnsCluster, sampleEvery } from "../../helpers/netns-cluster.js";
import { agreedMaster, clusterInfo, clusterStatus, votersAre } from "../../../src/demo/cluster-probe.js";
import { waitFor } from "../../helpers/wait.js";

// Real agents in their own namespaces on one segment; the cluster forms from a site config alone.
function siteCluster(count: number): NetnsCluster {
  return new NetnsCluster({
    count,
    configOverrides: (segment) => ({
      cluster: {
        site: { clusterName: "qtest", clusterIp: `${segment}.200/24`, joinToken: "quorum-test-token", expectedNodes: count },
        siteConfigFile: "/nonexistent/alkor-site.json",
        kernelCmdline: "/nonexistent/cmdline",
      },
    }),
  });
}

// One cluster at a time: eight agents at once on two cores would measure the machine, not the cluster.
let cluster: NetnsCluster | undefined;
test.afterEach.always(async () => {
  await cluster?.destroy();
  cluster = undefined;
});

const sockets = (c: NetnsCluster, names = c.nodes.map((node) => node.name)) => names.map((name) => c.node(name).controlSocket);

async function holdersOfClusterIp(c: NetnsCluster, ip: string, names = c.nodes.map((node) => node.name)): Promise<string[]> {
  const held = await Promise.all(names.map(async (name) => ((await c.addressesOf(name)).includes(ip) ? name : null)));
  return held.filter((name): name is string => name !== null);
}

async function formed(c: NetnsCluster, timeoutMs: number): Promise<string> {
  let master: string | null = null;
  await waitFor("the cluster to form and every node to agree on one master", async () => (master = await agreedMaster(sockets(c))) !== null, { timeoutMs, pollMs: 200 });
  return master!;
}

test.serial("3 nodes form a cluster from a site config; the master partitioned into a minority steps down and never two hold the cluster IP", async (t) => {
  const c = (cluster = siteCluster(3));
  const ip = `${c.segmentPrefix}.200`;
  const started = Date.now();
  await c.start();
  const first = await formed(c, 30_000);
  t.log(`cluster formed, master ${first}, after ${Date.now() - started} ms`);
  await waitFor("the master to hold the cluster IP", async () => (await holdersOfClusterIp(c, ip)).join() === first, { timeoutMs: 5000 });
  await waitFor("every node to vote", () => votersAre(c.node(first).controlSocket, 3), { timeoutMs: 10_000 });

  // A change committed before the partition must survive it.
  const pool = await c.cli(first, ["modify", "--candidate-pool-size", "4"], "alkor-cluster");
  t.log(pool.stdout.trim());
  const before = await clusterInfo(c.node(first).controlSocket);

  // The kernel reports every change of the cluster IP; every 50 ms each node is asked whether it holds the master lease.
  const monitor = new AddressMonitor(ip, c.nodes);
  t.teardown(() => monitor.stop());
  const holdersAtStart = await holdersOfClusterIp(c, ip);
  const sampler = sampleEvery(50, async () =>
    (await Promise.all(sockets(c).map((socket) => clusterStatus(socket).catch(() => null)))).filter((s) => s?.holdsLease).map((s) => s!.node),
  );
  t.teardown(() => sampler.stop().then(() => undefined, () => undefined));
  await c.partition([first]);
  const partitioned = Date.now();
  const majority = c.nodes.map((node) => node.name).filter((name) => name !== first);
  let second: string | null = null;
  await waitFor("the majority to elect a new master", async () => (second = await agreedMaster(sockets(c, majority))) !== null && second !== first, { timeoutMs: 15_000, pollMs: 100 });
  await waitFor("the new master to hold the cluster IP and the old one to drop it", async () => (await holdersOfClusterIp(c, ip)).join() === second, { timeoutMs: 5000 });
  t.log(`new master ${second} ${Date.now() - partitioned} ms after the partition`);
  t.false((await clusterStatus(c.node(first).controlSocket)).holdsLease);
  // CheckQuorum (thesis §6.2): the cut-off master steps down within an election timeout of its checks.
  await waitFor("the old master to step down", async () => (await clusterStatus(c.node(first).controlSocket)).raftRole !== "leader", { timeoutMs: 5000 });
  const refused = await c.cli(first, ["getmaster"], "alkor-cluster").then(
    () => null,
    (error: Error) => error.message,
  );
  t.regex(refused ?? "answered", /No master is reachable from/, "the cut-off node must not answer with a master");

  await c.heal();
  await waitFor("one master after healing", async () => (await agreedMaster(sockets(c))) !== null, { timeoutMs: 15_000, pollMs: 200 });
  const samples = await sampler.stop();
  monitor.stop();
  const gaps = samples.slice(1).map((sample, index) => sample.atMs - samples[index]!.atMs);
  t.log(`${samples.length} lease samples over ${samples.at(-1)!.atMs} ms (longest gap ${Math.max(...gaps)} ms); ${monitor.events.length} cluster IP changes`);
  // Every 50 ms unless the machine is starved; the kernel's address events above miss nothing either way.
  t.true(Math.max(...gaps) < 1000, `lease samples up to ${Math.max(...gaps)} ms apart: too far to mean anything`);
  for (const sample of samples) t.true(sample.value.length <= 1, `at ${sample.atMs} ms ${sample.value.join(" and ")} all held a master lease`);
  t.deepEqual(monitor.overlaps(holdersAtStart), []);
  t.true(monitor.events.some((event) => event.node === first && event.change === "removed"), "the old master never dropped the cluster IP");
  for (const node of c.nodes) {
    const info = await clusterInfo(node.controlSocket);
    t.is(info.candidatePoolSize, 4, `${node.name} lost the change committed before the partition`);
    t.true(info.serial >= before.serial);
  }
});

test.serial("kill -9 of the master: its host lets go of the cluster IP after it; another node answers getmaster as itself and holds it", async (t) => {
  const c = (cluster = siteCluster(5));
  const ip = `${c.segmentPrefix}.200`;
  const started = Date.now();
  await c.start();
  const first = await formed(c, 40_000);
  t.log(`5-node cluster formed, master ${first}, after ${Date.now() - started} ms`);
  await waitFor("the master to hold the cluster IP", async () => (await holdersOfClusterIp(c, ip)).join() === first, { timeoutMs: 5000 });
  await waitFor("every node to vote", () => votersAre(c.node(first).controlSocket, 5), { timeoutMs: 10_000 });

  const killed = Date.now();
  await c.stopNode(first, "SIGKILL");
  // What systemd's ExecStopPost does after any end of the agent: the dead master's host lets go of the cluster IP.
  const released = await c.exec(first, [join(process.cwd(), "bin", "alkord"), "--config", c.node(first).configPath, "--release-cluster-ip"]);
  t.regex(released.stdout, /Released the cluster IP/);
  t.false((await holdersOfClusterIp(c, ip)).includes(first));
  const survivors = c.nodes.map((node) => node.name).filter((name) => name !== first);
  let second: string | null = null;
  await waitFor("a new master", async () => (second = await agreedMaster(sockets(c, survivors))) !== null, { timeoutMs: 15_000, pollMs: 50 });
  t.log(`new master ${second} ${Date.now() - killed} ms after kill -9`);
  const answer = await c.cli(second!, ["getmaster"], "alkor-cluster");
  t.is(answer.stdout.trim(), second!);
  await waitFor("the new master to hold the cluster IP", async () => (await holdersOfClusterIp(c, ip, survivors)).join() === second, { timeoutMs: 5000 });

  await c.startNode(first);
  await waitFor("the old master to rejoin as a follower", async () => {
    const status = await clusterStatus(c.node(first).controlSocket).catch(() => null);
    return status?.master === second && (await holdersOfClusterIp(c, ip)).join() === second;
  }, { timeoutMs: 15_000, pollMs: 200 });
  t.is((await clusterStatus(c.node(first).controlSocket)).master, second!);
});
