import { agreedMaster, votersAre } from "../src/demo/cluster-probe.js";
import { NetnsCluster } from "../test/helpers/netns-cluster.js";

/**
 * kill -9 of the master → a new master serving the API (it holds its lease,
 * so it answers reads and holds the cluster IP), 20 runs each on 3 and 5
 * real agents in their own network namespaces, default timeouts. The
 * baseline, measured in the same run on the same cluster, is a planned
 * master-failover (leadership transfer: no failure to detect), so the ratio
 * is what detecting the failure costs.
 */

const runs = Number(process.env.BENCH_RUNS ?? 20);
const sizes = (process.env.BENCH_SIZES ?? "3,5").split(",").map(Number);
const pollMs = 20;
const timeoutMs = 30_000;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function until<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function measure(count: number): Promise<{ crash: number[]; planned: number[] }> {
  const cluster = new NetnsCluster({
    count,
    logLevel: "warn",
    configOverrides: (segment) => ({
      cluster: {
        site: { clusterName: "bench", clusterIp: `${segment}.200/24`, joinToken: "failover-bench", expectedNodes: count },
        siteConfigFile: "/nonexistent/alkor-site.json",
        kernelCmdline: "/nonexistent/cmdline",
      },
    }),
  });
  const socketsOf = (names: readonly string[]) => names.map((name) => cluster.node(name).controlSocket);
  const all = cluster.nodes.map((node) => node.name);
  const crash: number[] = [];
  const planned: number[] = [];
  try {
    await cluster.start();
    for (let run = 0; run < runs; run++) {
      const master = await until("one master", () => agreedMaster(socketsOf(all)));
      // Every node must be a voter again before the next kill, or the run measures a smaller cluster.
      await until("every node to vote", async () => ((await votersAre(cluster.node(master).controlSocket, count)) ? true : null));
      const survivors = all.filter((name) => name !== master);
      const killed = Date.now();
      await cluster.stopNode(master, "SIGKILL");
      await until("a new master", () => agreedMaster(socketsOf(survivors)));
      crash.push(Date.now() - killed);
      await cluster.startNode(master);
      const next = await until("the old master to rejoin", async () => {
        const agreed = await agreedMaster(socketsOf(all));
        return agreed !== null && agreed !== master ? agreed : null;
      });
      // Planned: hand the role back to the restarted node.
      const handedOver = Date.now();
      await cluster.cli(master, ["master-failover"], "alkor-cluster");
      await until("the planned failover", async () => ((await agreedMaster(socketsOf(all))) === master ? true : null));
      planned.push(Date.now() - handedOver);
      process.stderr.write(`  ${count} nodes, run ${run + 1}: crash ${crash.at(-1)} ms (from ${master} to ${next}), planned ${planned.at(-1)} ms\n`);
    }
  } finally {
    await cluster.destroy();
  }
  return { crash, planned };
}

const rows: string[] = [];
for (const count of sizes) {
  const { crash, planned } = await measure(count);
  const p50 = percentile(crash, 50);
  const basis = percentile(planned, 50);
  rows.push(
    `| ${count} | ${runs} | ${p50} ms | ${percentile(crash, 99)} ms | ${basis} ms | ${percentile(planned, 99)} ms | ${(p50 / basis).toFixed(1)} | ${p50 < 2000 ? "met" : "NOT met"} |`,
  );
}
process.stdout.write("\nFailover: kill -9 of the master until a new master serves the API (default timeouts)\n");
process.stdout.write("| nodes | runs | crash p50 | crash p99 | planned failover p50 (baseline) | planned p99 | ratio p50 | target p50 < 2 s |\n|---|---|---|---|---|---|---|---|\n");
process.stdout.write(`${rows.join("\n")}\n`);
