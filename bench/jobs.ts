import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { QUEUE_PATH, QueueInfoBodySchema } from "../src/api/local/contract.js";
import { getJson } from "../src/cli/endpoint.js";
import { siteCluster } from "../test/helpers/site-cluster.js";
import { rapiCall, type Credentials } from "../test/helpers/rapi-client.js";
import { startWithRapi, until } from "./rapi-cluster.js";

/**
 * Job throughput on a three-node cluster of real agents (the demo's): light
 * jobs (one OP_TAGS_SET each) submitted through the RAPI on the cluster IP
 * (PUT /2/tags, BENCH_API_JOBS, 2,000, BENCH_CONCURRENCY clients at once),
 * and through the CLI (`alkor-cluster add-tags --submit`, BENCH_CLI_JOBS,
 * 200, one process after another, as Ganeti's figure was measured), each
 * timed from the first submission until every job has ended. The baseline,
 * measured in the same run against the same server, is GET /version at the
 * same concurrency: the cost of HTTPS and authentication alone, so the ratio
 * says how close a job comes to a bare request.
 */

const run = promisify(execFile);
const apiJobs = Number(process.env.BENCH_API_JOBS ?? 2000);
const cliJobs = Number(process.env.BENCH_CLI_JOBS ?? 200);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const prefix = "127.0.29";
const clusterIp = `${prefix}.254`;
const port = 5080;
const user: Credentials = { user: "bench", password: "bench-password" };
const bin = join(process.cwd(), "bin");

async function main(): Promise<void> {
  const baseDir = await mkdtemp(join(tmpdir(), "alkor-bench-jobs-"));
  const cluster = siteCluster({ baseDir, prefix, name: "bench", fastMembership: false, logLevel: "warn" });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const call = (method: string, path: string) => rapiCall({ host: clusterIp, port, agent }, method, path, { auth: user });
  try {
    const master = await startWithRapi(cluster, user, call);
    const queueOf = (node: string) => getJson({ kind: "unix", socketPath: cluster.node(node).controlSocket }, QUEUE_PATH, QueueInfoBodySchema, 10_000);
    const idle = async () => {
      const { counts } = await queueOf(master);
      return counts.queued + counts.waiting + counts.running + counts.canceling === 0;
    };

    const baseline = await timed(apiJobs, concurrency, async () => expectStatus(await call("GET", "/version"), 200));
    const baselineRate = apiJobs / (baseline / 1000);
    say(`baseline: ${apiJobs} GET /version over HTTPS, ${concurrency} at once: ${ms(baseline)}, ${baselineRate.toFixed(0)} requests/s`);

    const successBefore = (await queueOf(master)).counts.success;
    const started = Date.now();
    let tag = 0;
    const submitted = await timed(apiJobs, concurrency, async () => expectStatus(await call("PUT", `/2/tags?tag=api-${tag++}`), 200));
    await until("every API job to end", idle, 120_000);
    const apiElapsed = Date.now() - started;
    const apiDone = (await queueOf(master)).counts.success - successBefore;
    const apiRate = apiJobs / (apiElapsed / 1000);
    say(`API: ${apiJobs} tag jobs (PUT /2/tags), ${concurrency} clients: submitted in ${ms(submitted)}, all ended in ${ms(apiElapsed)} (${apiDone} succeeded): ${apiRate.toFixed(0)} jobs/s, ${(apiRate / baselineRate).toFixed(2)} of the bare-request rate`);

    const env = { ...process.env, ALKOR_ENDPOINT: `unix:${cluster.node(master).controlSocket}` };
    const cliStarted = Date.now();
    for (let index = 0; index < cliJobs; index += 1) await run(join(bin, "alkor-cluster"), ["add-tags", "--submit", `cli-${index}`], { env });
    const cliSubmitted = Date.now() - cliStarted;
    await until("every CLI job to end", idle, 120_000);
    const cliElapsed = Date.now() - cliStarted;
    const cliRate = cliJobs / (cliElapsed / 1000);
    say(`CLI: ${cliJobs} × alkor-cluster add-tags --submit, one after another: submitted in ${ms(cliSubmitted)}, all ended in ${ms(cliElapsed)}: ${cliRate.toFixed(1)} jobs/s`);
    await ganeti(apiRate, cliRate);
  } finally {
    agent.destroy();
    await cluster.stop();
    await rm(baseDir, { recursive: true, force: true });
  }
}

/** Ganeti on this machine (../shared/peers/ganeti/setup.sh), measured now, if it is set up. */
async function ganeti(apiRate: number, cliRate: number): Promise<void> {
  const bench = join(process.cwd(), "..", "shared", "peers", "ganeti", "rapi_bench.py");
  const ready = await run("gnt-cluster", ["getmaster"], { timeout: 30_000 }).then(() => true, () => false);
  if (!ready) {
    say("Ganeti: not set up on this machine (../shared/peers/ganeti/setup.sh), so no figure from this run; its recorded figures are 3.3-4.9 jobs/s through RAPI and 3.9 jobs/s through gnt-cluster add-tags --submit.");
    return;
  }
  const { stdout } = await run("/usr/bin/python3", [bench, "jobs", "200"], { timeout: 600_000 });
  const rate = Number(/jobs_per_s=([\d.]+)/.exec(stdout)?.[1]);
  say(`Ganeti RAPI, 200 tag jobs, this run: ${rate} jobs/s; alkor API ${(apiRate / rate).toFixed(0)}× and CLI ${(cliRate / rate).toFixed(1)}× that`);
}

async function timed(count: number, parallel: number, once: () => Promise<void>): Promise<number> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next += 1;
        await once();
      }
    }),
  );
  return Date.now() - started;
}

function expectStatus(answer: { status: number; text: string }, status: number): void {
  if (answer.status !== status) throw new Error(`expected HTTP ${status}, got ${answer.status}: ${answer.text}`);
}


const ms = (value: number): string => `${(value / 1000).toFixed(2)} s`;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

main().catch((error: unknown) => {
  process.stderr.write(`bench/jobs: ${(error as Error).message}\n`);
  process.exit(1);
});
