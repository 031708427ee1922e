import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import test from "ava";
import type { MdnsPeer } from "../../../src/discovery/mdns-records.js";
import { waitFor } from "../../helpers/wait.js";

const run = promisify(execFile);
const helper = fileURLToPath(new URL("../../helpers/mdns-peer.js", import.meta.url));
const DEADLINE_MS = 15_000;

// The nodes multicast only on the loopback of a namespace of their own, never on the host's network.
const netns = `alkor-mdns-${randomBytes(4).toString("hex")}`;
const netnsError = await run("ip", ["netns", "add", netns]).then(
  () => undefined,
  (error: { stderr?: string; message: string }) => error.stderr?.trim() || error.message,
);
if (netnsError !== undefined && !/not permitted|permission denied/i.test(netnsError)) {
  throw new Error(`ip netns add ${netns} failed: ${netnsError}`);
}

interface Node {
  name: string;
  uuid: string;
  cluster: string;
  address: string;
  port: number;
}

const nodes: Node[] = [
  { name: "alpha", uuid: "6f1c1d52-3c1e-4d7e-9a8e-2f0d7c2b8a11", cluster: "lab", address: "127.0.0.11", port: 18831 },
  { name: "beta", uuid: "0b3e8a54-58a5-4f6e-8f0f-7d7f4a0a9c22", cluster: "lab", address: "127.0.0.12", port: 18832 },
  { name: "gamma", uuid: "c2d7e1f0-9a3b-4c5d-8e6f-1a2b3c4d5e6f", cluster: "other", address: "127.0.0.13", port: 18833 },
];

/** What one helper process printed, as it arrives. */
interface Observed {
  peers: MdnsPeer[];
  /** Names of nodes of another cluster this node heard and ignored. */
  ignored: Set<string>;
  stderr: string;
}

const children: ChildProcess[] = [];

test.after.always("stop the nodes and remove the namespace", async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }),
  );
  if (netnsError === undefined) await run("ip", ["netns", "delete", netns]);
});

const netnsTest = netnsError === undefined ? test : test.skip;
const title = "nodes on one link find the others of their cluster by mDNS and ignore another cluster";

netnsTest(netnsError === undefined ? title : `${title} (skipped: ip netns add is not permitted: ${netnsError})`, async (t) => {
  const started = performance.now();
  for (const args of [["link", "set", "lo", "up"], ["link", "set", "lo", "multicast", "on"], ["route", "add", "224.0.0.0/4", "dev", "lo"]]) {
    await run("ip", ["-n", netns, ...args]);
  }

  const observed = new Map<string, Observed>();
  const crashed: string[] = [];
  for (const node of nodes) {
    const seen: Observed = { peers: [], ignored: new Set(), stderr: "" };
    observed.set(node.name, seen);
    const child = spawn(
      "ip",
      [
        "netns", "exec", netns, process.execPath, helper, "--netns", netns,
        "--name", node.name, "--uuid", node.uuid, "--cluster", node.cluster,
        "--address", node.address, "--port", String(node.port), "--interface", "127.0.0.1",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    child.stderr!.on("data", (chunk: Buffer) => (seen.stderr += chunk.toString()));
    child.on("exit", (code, signal) => crashed.push(`${node.name} exited with ${signal ?? code}: ${seen.stderr}`));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const event = JSON.parse(line) as { event?: string; peer?: MdnsPeer; peerName?: string; peerCluster?: string };
      if (event.event === "peer" && event.peer !== undefined) seen.peers.push(event.peer);
      if (event.peerCluster !== undefined && event.peerName !== undefined) seen.ignored.add(event.peerName);
    });
  }

  const heard = (name: string, peer: string) => observed.get(name)!.peers.some((p) => p.name === peer);
  const ignored = (name: string, peer: string) => observed.get(name)!.ignored.has(peer);
  // Done when each lab node found the other and every node has heard (and ignored) the foreign cluster,
  // so the absence of gamma among the peers below is proof, not luck.
  const done = () =>
    heard("alpha", "beta") && heard("beta", "alpha") &&
    ignored("alpha", "gamma") && ignored("beta", "gamma") && ignored("gamma", "alpha") && ignored("gamma", "beta");

  await waitFor("the lab nodes to find each other and every node to hear the other cluster", () => done() || crashed.length > 0, {
    timeoutMs: DEADLINE_MS,
    pollMs: 20,
  }).catch((error: Error) => {
    throw new Error(`${error.message}: ${describe(observed)}`);
  });
  t.deepEqual(crashed, []);
  t.log(`discovered in ${Math.round(performance.now() - started)} ms`);

  const peersOf = (name: string) => new Set(observed.get(name)!.peers.map((peer) => JSON.stringify(peer)));
  const asPeer = (node: Node) => JSON.stringify({ name: node.name, uuid: node.uuid, clusterId: node.cluster, address: node.address, port: node.port });
  t.deepEqual(peersOf("alpha"), new Set([asPeer(nodes[1]!)]));
  t.deepEqual(peersOf("beta"), new Set([asPeer(nodes[0]!)]));
  t.deepEqual(peersOf("gamma"), new Set());
});

function describe(observed: Map<string, Observed>): string {
  return [...observed]
    .map(([name, seen]) => `${name} found [${seen.peers.map((p) => p.name).join(",")}] ignored [${[...seen.ignored].join(",")}] ${seen.stderr}`)
    .join("; ");
}
