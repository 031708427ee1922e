import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import test from "ava";
import { LocalCluster } from "../../../src/demo/local-cluster.js";
import { waitFor } from "../../helpers/wait.js";

const run = promisify(execFile);

// Multicast stays on the loopback of a namespace this test creates, never on the host's network.
const netns = `alkor-mdnsmesh-${randomBytes(4).toString("hex")}`;
let baseDir: string;
let cluster: LocalCluster;

test.before(async () => {
  await run("ip", ["netns", "add", netns]);
  for (const args of [["link", "set", "lo", "up"], ["link", "set", "lo", "multicast", "on"], ["route", "add", "224.0.0.0/4", "dev", "lo"]]) {
    await run("ip", ["-n", netns, ...args]);
  }
  baseDir = await mkdtemp(join(tmpdir(), "alkor-mdnsmesh-"));
  cluster = new LocalCluster({
    baseDir,
    clusterId: "mdnsmesh",
    count: 3,
    addressPrefix: "127.0.23",
    membership: { heartbeatIntervalMs: 250, suspectAfterMs: 1000, deadAfterMs: 2500 },
    configOverrides: { discovery: { seeds: [], mdns: true } },
    launcher: ["ip", "netns", "exec", netns],
  });
});

test.after.always(async () => {
  await cluster?.stop();
  await run("ip", ["netns", "delete", netns]).catch(() => {});
  if (baseDir) await rm(baseDir, { recursive: true, force: true });
});

test("agents with no seeds find each other by mDNS and form the full mesh", async (t) => {
  const names = cluster.nodes.map((node) => node.name);
  const startedAt = Date.now();
  await cluster.start();
  await waitFor("the agents to find each other by mDNS", () => cluster.converged(names, names), { timeoutMs: 15_000 });
  t.log(`full membership by mDNS after ${Date.now() - startedAt} ms`);
  t.true(await cluster.converged(names, names));
});
