import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalCluster, waitUntilAllSeeAll } from "../src/demo/local-cluster.js";
import { startInProcessCluster } from "./in-process-cluster.js";

/**
 * Time from start to full membership for 3, 10 and 30 agents, and the RSS of
 * an idle agent. The machine is shared and noisy, so each figure is printed
 * beside a baseline measured in the same run: the time for the same number of
 * bare Node processes to start, and the RSS of an idle bare Node. Agents run
 * two ways: as real processes (as on real nodes, but N runtimes share two
 * cores here) and all in one process (the discovery protocol alone).
 */

const sizes = (process.env.BENCH_SIZES ?? "3,10,30").split(",").map(Number);
const timeoutMs = 60_000;

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Starts `count` bare Node processes that only say they are up: the floor for any agent. */
async function bareStartMs(count: number): Promise<{ ms: number; rssKiB: number }> {
  const started = Date.now();
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ["-e", "process.stdout.write('up\\n'); setInterval(() => {}, 1000)"], { stdio: ["ignore", "pipe", "ignore"] }),
  );
  await Promise.all(children.map((child) => new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()))));
  const ms = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rss = await rssKiB(children[0]!.pid!);
  for (const child of children) child.kill("SIGKILL");
  return { ms, rssKiB: rss };
}

async function agentsConvergeMs(count: number): Promise<{ ms: number; rssKiB: number }> {
  const baseDir = await mkdtemp(join(tmpdir(), "alkor-bench-"));
  const cluster = new LocalCluster({ baseDir, clusterId: "bench", count, addressPrefix: "127.0.30", logLevel: "warn" });
  try {
    const started = Date.now();
    await cluster.start();
    await waitUntilAllSeeAll(cluster.nodes.map((node) => node.controlSocket), cluster.nodes.map((node) => node.name), { timeoutMs });
    const ms = Date.now() - started;
    // Idle: a few heartbeat rounds after convergence.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const rss = await rssKiB(cluster.nodes[cluster.nodes.length - 1]!.process!.pid!);
    return { ms, rssKiB: rss };
  } finally {
    await cluster.stop();
    await rm(baseDir, { recursive: true, force: true });
  }
}

async function inProcessConvergeMs(count: number): Promise<number> {
  const baseDir = await mkdtemp(join(tmpdir(), "alkor-bench-inproc-"));
  const started = Date.now();
  const cluster = await startInProcessCluster(count, "127.0.35", baseDir);
  try {
    await waitUntilAllSeeAll(cluster.sockets, cluster.names, { timeoutMs });
    return Date.now() - started;
  } finally {
    await cluster.stop();
    await rm(baseDir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: string[][] = [
  ["agents", "membership (processes)", "bare node start", "ratio", "membership (one process)", "idle agent RSS", "bare node RSS", "ratio"],
];
for (const count of sizes) {
  const bare = await bareStartMs(count);
  const inProcessMs = await inProcessConvergeMs(count);
  const agents = await agentsConvergeMs(count);
  rows.push([
    String(count),
    seconds(agents.ms),
    seconds(bare.ms),
    (agents.ms / bare.ms).toFixed(2),
    seconds(inProcessMs),
    `${(agents.rssKiB / 1024).toFixed(1)} MiB`,
    `${(bare.rssKiB / 1024).toFixed(1)} MiB`,
    (agents.rssKiB / bare.rssKiB).toFixed(2),
  ]);
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padStart(widths[column]!)).join("  ")}\n`);
process.stdout.write("targets: 30 agents converge in under 10 s; idle RSS under 80 MiB\n");
