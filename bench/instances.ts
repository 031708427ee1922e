import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { z } from "zod";
import { CLUSTER_STATUS_PATH, INSTANCES_PATH, instancePath, JOBS_PATH, JobListBodySchema, JobSubmitBodySchema, QUEUE_PATH, QueueInfoBodySchema } from "../src/api/local/contract.js";
import type { Job } from "../src/cluster/jobs/model.js";
import { getJson, requestJson, type Endpoint } from "../src/cli/endpoint.js";
import { rapiCall, type Credentials } from "../test/helpers/rapi-client.js";
import { siteCluster } from "../test/helpers/site-cluster.js";
import { startWithRapi, until } from "./rapi-cluster.js";

/**
 * Instance latencies on a three-node cluster of real agents (the demo's,
 * each node driving libvirt's test driver), measured as Ganeti's recorded
 * figures were (../shared/peers/ganeti/bench.sh): the wall time of one
 * process per command, end to end (start-up, submit, the job, the poll for
 * its end), REPS times each (5), printed as min, median and max.
 *
 * Baselines, measured in the same run against the same agents:
 *  - CLI: `alkor-cluster version`, one request the agent answers from memory.
 *    It costs what every alkor-* command costs before it does anything of
 *    its own (the thin client, the agent running the command line, one
 *    request on the control socket), and unlike `alkor-job list` it does
 *    not grow with the queue, which this bench fills with hundreds of jobs.
 *  - RAPI: curl GET /version, a process per request, as Ganeti's curl figures.
 *  - Ganeti's Python client: GetVersion() from a fresh /usr/bin/python3, the
 *    fixed cost under "RAPI create + wait (py client)".
 *
 * Ganeti's figures: measured in this run (its bench.sh in a scratch copy)
 * when Ganeti is set up here, else those recorded in results-latest.txt.
 * The target (alkor issue 6) is alkor at most half of Ganeti's median.
 *
 * Rows marked "profile" split the fixed costs: Node's start, the CLI before
 * any request (through the agent, and in its own Node process as it runs
 * when it cannot go through the agent), and the agent's answer to the same
 * request from this process. For each job, the time it spent in the agent
 * (from the job's own timestamps) is printed beside the total.
 * BENCH_KEEP=1 keeps the agents' directories and logs afterwards.
 */

const run = promisify(execFile);
const reps = Number(process.env.REPS ?? 5);
const prefix = "127.0.31";
const clusterIp = `${prefix}.254`;
const port = 5080;
const user: Credentials = { user: "bench", password: "bench-password" };
const bin = join(process.cwd(), "bin");
const peer = join(process.cwd(), "..", "shared", "peers", "ganeti");
const os = "alkor-image+blank";
const TARGET = 0.5;
/** Jobs per throughput run of Ganeti's bench.sh (its own default is 200); those rows are not compared. */
const ganetiThroughputJobs = 10;
/** Instance creations submitted at once when filling the cluster. */
const WAVE = 20;

/** One measured row: its samples (ms), what it is divided by, and the label of Ganeti's figure for the same work. */
interface Row {
  label: string;
  samples: number[];
  base?: "cli" | "rapi" | "py";
  ganeti?: string;
  /** Milliseconds each sample's job spent in the agent (received to ended), when the row ran a job. */
  inAgent?: number[];
  queued?: number[];
}

/** The figures of a Ganeti bench.sh table: label to median ms. */
type GanetiFigures = { source: string; medians: Map<string, number> };

const rows: Row[] = [];
const baselines: Partial<Record<NonNullable<Row["base"]>, number>> = {};

/** The Python a Ganeti tool runs: Ganeti's own RAPI client, driven as ../shared/peers/ganeti/rapi_bench.py drives it. */
const PY_CLIENT = `
import sys, time
from ganeti.rapi import client
host, port, user, password, what = sys.argv[1:6]
c = client.GanetiRapiClient(host, port=int(port), username=user, password=password)
def wait_job(job):
  while True:
    st = c.GetJobStatus(job)
    if st["status"] in ("success", "error", "canceled"):
      return st
    time.sleep(0.02)
if what == "version":
  print(c.GetVersion())
  sys.exit(0)
if what == "create":
  name, node, os = sys.argv[6:9]
  job = c.CreateInstance("create", name, "diskless", [], [{}], os=os, pnode=node, hypervisor="kvm",
                         no_install=True, ip_check=False, name_check=False, start=False)
else:
  job = c.DeleteInstance(sys.argv[6])
st = wait_job(job)
if st["status"] != "success":
  sys.exit("job %s: %s %s" % (job, st["status"], st.get("opresult")))
`;

async function main(): Promise<void> {
  const baseDir = await mkdtemp(join(tmpdir(), "alkor-bench-instances-"));
  const cluster = siteCluster({ baseDir, prefix, name: "bench", fastMembership: false, logLevel: "warn" });
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
  const call = (method: string, path: string, json?: unknown) =>
    rapiCall({ host: clusterIp, port, agent }, method, path, { auth: user, ...(json === undefined ? {} : { json }) });
  try {
    const master = await startWithRapi(cluster, user, call);
    const masterName = master;
    // Instances go to another node than the master: two in three do on a three-node cluster, and their RPC crosses the network.
    const pnode = cluster.nodes.find((node) => node.name !== masterName)!.name;
    // The filled instances go round the nodes from pnode on, so bench01 (started and stopped below) is on pnode too.
    const spread = [pnode, ...cluster.nodes.map((node) => node.name).filter((name) => name !== pnode)];
    const endpoint: Endpoint = { kind: "unix", socketPath: cluster.node(masterName).controlSocket };
    const env = { ...process.env, ALKOR_ENDPOINT: `unix:${endpoint.socketPath}` };
    const cli = (command: string, ...args: string[]) => timedRun(join(bin, command), args, env);
    const curl = (path: string) => timedRun("curl", ["-sSkf", "-o", "/dev/null", "-u", `${user.user}:${user.password}`, `https://${clusterIp}:${port}${path}`]);
    const python = existsPythonClient();
    const py = (...args: string[]) => timedRun("/usr/bin/python3", ["-c", PY_CLIENT, clusterIp, String(port), user.user, user.password, ...args]);
    /** The newest job of this opcode: the one the command just ran (the watcher may have submitted others since). */
    const lastJob = async (opId: string): Promise<Job> => {
      const jobs = (await getJson(endpoint, JOBS_PATH, JobListBodySchema)).jobs.filter((job) => job.ops[0]?.input.OP_ID === opId);
      if (jobs.length === 0) throw new Error(`No ${opId} job in the queue.`);
      return jobs.reduce((a, b) => (b.id > a.id ? b : a));
    };
    /** Times a command that runs one job of opId, and keeps how long that job took inside the agent. */
    const jobRow = async (row: Row, opId: string, once: () => Promise<number>) => {
      row.samples.push(await once());
      const job = await lastJob(opId);
      (row.inAgent ??= []).push(job.endedAt! - job.receivedAt);
      (row.queued ??= []).push(job.startedAt! - job.receivedAt);
    };
    const repeated = async (label: string, once: () => Promise<number>, extra: Omit<Row, "label" | "samples"> = {}) => {
      await once(); // one warm-up, as bench.sh's timeit
      const row = addRow(label, extra);
      for (let index = 0; index < reps; index += 1) row.samples.push(await once());
      return row;
    };
    say(`alkor: 3 agents (libvirt test driver), master ${masterName}, instances on ${pnode}; REPS=${reps}; ${(await run("nproc")).stdout.trim()} cores; ${await loadAverage()}`);

    // Baselines and where a command's fixed cost goes.
    baselines.cli = median((await repeated("baseline: alkor-cluster version", () => cli("alkor-cluster", "version"))).samples);
    baselines.rapi = median((await repeated("baseline: curl GET /version", () => curl("/version"))).samples);
    if (await python) baselines.py = median((await repeated("baseline: py client GetVersion()", () => py("version"))).samples);
    await repeated("profile: node -e 0 (Node's start alone)", () => timedRun(process.execPath, ["-e", "0"]));
    await repeated("profile: alkor-instance --help (no request)", () => cli("alkor-instance", "--help"), { base: "cli" });
    await repeated("profile: alkor-instance --help in its own Node process", () => timedRun(process.execPath, [join("dist", "src", "cli", "alkor-instance.js"), "--help"]), { base: "cli" });
    await cli("alkor-cluster", "add-tags", "bench");
    await repeated("alkor-job list (1 job)", () => cli("alkor-job", "list"), { base: "cli", ganeti: "b. gnt-job list" });

    // a. add and remove, one instance at a time. One untimed round first warms the agents' code paths.
    const add = (name: string, ...args: string[]) => cli("alkor-instance", "add", "-n", pnode, "-o", os, ...args, name);
    await add("warm1", "-t", "diskless", "--no-install", "--no-start");
    await cli("alkor-instance", "remove", "-f", "warm1");
    const addNoStart = addRow("a. add -t diskless --no-install --no-start", { base: "cli", ganeti: "a. gnt-instance add diskless --no-install" });
    const removeDiskless = addRow("a. remove -f diskless", { base: "cli", ganeti: "a. gnt-instance remove diskless" });
    const addStarted = addRow("a. add -t diskless --no-install (alkor starts it)", { base: "cli" });
    const addInstall = addRow("a. add -t diskless --no-start (+OS create)", { base: "cli" });
    const addFile = addRow("a2. add -t file -s 1G --no-start (+OS create)", { base: "cli", ganeti: "a2. gnt-instance add file 1G (+OS create)" });
    const removeFile = addRow("a2. remove -f file", { base: "cli", ganeti: "a2. gnt-instance remove file" });
    for (let index = 1; index <= reps; index += 1) {
      await jobRow(addNoStart, "OP_INSTANCE_CREATE", () => add(`adiskless${index}`, "-t", "diskless", "--no-install", "--no-start"));
      await jobRow(removeDiskless, "OP_INSTANCE_REMOVE", () => cli("alkor-instance", "remove", "-f", `adiskless${index}`));
      await jobRow(addStarted, "OP_INSTANCE_CREATE", () => add(`astarted${index}`, "-t", "diskless", "--no-install"));
      await cli("alkor-instance", "remove", "-f", `astarted${index}`);
      await jobRow(addInstall, "OP_INSTANCE_CREATE", () => add(`ainstall${index}`, "-t", "diskless", "--no-start"));
      await cli("alkor-instance", "remove", "-f", `ainstall${index}`);
      await jobRow(addFile, "OP_INSTANCE_CREATE", () => add(`afile${index}`, "-t", "file", "-s", "1G", "--no-start"));
      await jobRow(removeFile, "OP_INSTANCE_REMOVE", () => cli("alkor-instance", "remove", "-f", `afile${index}`));
    }

    // b. queries with 20 instances (bench01..bench20, made through the job API, not timed).
    await createInstances(endpoint, spread, 1, 20);
    await repeated("b. list (20 instances)", () => cli("alkor-instance", "list"), { base: "cli", ganeti: "b. gnt-instance list (20 inst)" });
    await repeated("b. list --no-headers -o name,status (20)", () => cli("alkor-instance", "list", "--no-headers", "-o", "name,status"), { base: "cli", ganeti: "b. gnt-instance list -o name,status" });
    await repeated("b. info bench01", () => cli("alkor-instance", "info", "bench01"), { base: "cli", ganeti: "b. gnt-instance info bench01" });
    await repeated("b. alkor-node list", () => cli("alkor-node", "list"), { base: "cli", ganeti: "b. gnt-node list" });
    await repeated("profile: GET /v1/instances/bench01, in this process", () => timedGet(endpoint, instancePath("bench01")));
    await repeated("profile: GET /v1/instances (20), in this process", () => timedGet(endpoint, INSTANCES_PATH));
    await repeated("profile: GET /v1/cluster/status, in this process", () => timedGet(endpoint, CLUSTER_STATUS_PATH));

    // d. power, on bench01 (stopped, as Ganeti's was).
    const startup = addRow("d. startup", { base: "cli", ganeti: "d. gnt-instance startup (fake)" });
    const shutdown = addRow("d. shutdown", { base: "cli", ganeti: "d. gnt-instance shutdown (fake)" });
    for (let index = 0; index < reps; index += 1) {
      await jobRow(startup, "OP_INSTANCE_STARTUP", () => cli("alkor-instance", "startup", "bench01"));
      await jobRow(shutdown, "OP_INSTANCE_SHUTDOWN", () => cli("alkor-instance", "shutdown", "bench01"));
    }
    await cli("alkor-instance", "startup", "bench01");
    const reboot = addRow("d. reboot (hard, the default)", { base: "cli", ganeti: "d. gnt-instance reboot (fake)" });
    for (let index = 0; index < reps; index += 1) await jobRow(reboot, "OP_INSTANCE_REBOOT", () => cli("alkor-instance", "reboot", "bench01"));

    // f. the RAPI: curl as Ganeti's figures, Ganeti's Python client for create and delete, and the same without a client process.
    await repeated("f. curl GET /2/instances?bulk=1 (20)", () => curl("/2/instances?bulk=1"), { base: "rapi", ganeti: "f. curl GET /2/instances?bulk=1 (20)" });
    await repeated("f. curl GET /2/instances (20)", () => curl("/2/instances"), { base: "rapi", ganeti: "f. curl GET /2/instances" });
    if (await python) {
      const create = addRow("f. RAPI create + wait (py client)", { base: "py", ganeti: "f. RAPI create instance + wait (py client)" });
      const remove = addRow("f. RAPI delete + wait (py client)", { base: "py", ganeti: "f. RAPI delete instance + wait (py client)" });
      for (let index = 0; index < reps; index += 1) {
        await jobRow(create, "OP_INSTANCE_CREATE", () => py("create", "rapi-bench", pnode, os));
        await jobRow(remove, "OP_INSTANCE_REMOVE", () => py("remove", "rapi-bench"));
      }
    } else say("Debian's python3-ganeti-rapi is not installed: no figures through Ganeti's Python client.");
    const inProcess = addRow("profile: RAPI create + wait, in this process (no client start)");
    for (let index = 0; index < reps; index += 1) await jobRow(inProcess, "OP_INSTANCE_CREATE", () => rapiCreate(call, `rapi-inproc${index}`, pnode));

    // 200 instances.
    await createInstances(endpoint, spread, 21, 200);
    await repeated("b. list (200 instances)", () => cli("alkor-instance", "list"), { base: "cli" });
    await repeated("b. list --no-headers -o name,status (200)", () => cli("alkor-instance", "list", "--no-headers", "-o", "name,status"), { base: "cli" });
    await repeated("f. curl GET /2/instances?bulk=1 (200)", () => curl("/2/instances?bulk=1"), { base: "rapi" });
    await repeated("profile: GET /v1/instances (200), in this process", () => timedGet(endpoint, INSTANCES_PATH));
    await repeated("b. info bench01 (200 instances)", () => cli("alkor-instance", "info", "bench01"), { base: "cli" });
    const startup200 = addRow("d. startup (200 instances)", { base: "cli" });
    for (let index = 0; index < reps; index += 1) {
      await cli("alkor-instance", "shutdown", "bench02");
      await jobRow(startup200, "OP_INSTANCE_STARTUP", () => cli("alkor-instance", "startup", "bench02"));
    }
  } finally {
    agent.destroy();
    await cluster.stop();
    if (process.env.BENCH_KEEP === undefined) await rm(baseDir, { recursive: true, force: true });
    else say(`kept ${baseDir}`);
  }
  say(`(at the end: ${await loadAverage()})`);
  report(await ganetiFigures());
}

/** Other work on the machine lengthens every figure here: say how busy it was. */
async function loadAverage(): Promise<string> {
  const [one, five] = (await readFile("/proc/loadavg", "utf8")).split(" ");
  return `load average ${one} (1 min), ${five} (5 min)`;
}

function addRow(label: string, extra: Omit<Row, "label" | "samples"> = {}): Row {
  const row: Row = { label, samples: [], ...extra };
  rows.push(row);
  return row;
}

/** Wall time of one process, from spawn to exit; a failure is the bench's failure. */
async function timedRun(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  try {
    await run(file, [...args], { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.slice(0, 4).join(" ")} failed: ${failed.stderr || failed.message}`);
  }
  return performance.now() - started;
}

/** One GET on the control socket from this process: what the agent takes to answer, without a CLI process around it. */
async function timedGet(endpoint: Endpoint, path: string): Promise<number> {
  const started = performance.now();
  await getJson(endpoint, path, z.unknown());
  return performance.now() - started;
}

/** POST /2/instances with the body Ganeti's client sends, then GET /2/jobs/ID every 20 ms as rapi_bench.py's wait_job. */
async function rapiCreate(call: (method: string, path: string, json?: unknown) => Promise<{ status: number; text: string; json: unknown }>, name: string, pnode: string): Promise<number> {
  const started = performance.now();
  const body = { mode: "create", name, disk_template: "diskless", disks: [], nics: [{}], os, pnode, hypervisor: "kvm", no_install: true, ip_check: false, name_check: false, start: false, __version__: 1 };
  const features = await call("GET", "/2/features");
  if (features.status !== 200) throw new Error(`GET /2/features: HTTP ${features.status}`);
  const posted = await call("POST", "/2/instances", body);
  if (posted.status !== 200) throw new Error(`POST /2/instances: HTTP ${posted.status}: ${posted.text}`);
  for (;;) {
    const job = (await call("GET", `/2/jobs/${String(posted.json)}`)).json as { status: string };
    if (job.status === "success") return performance.now() - started;
    if (["error", "canceled"].includes(job.status)) throw new Error(`RAPI create of ${name}: job ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * benchFROM..benchTO, diskless and stopped, spread over the nodes, through
 * the job API in waves of WAVE jobs submitted at once. Not all at once: on
 * this 2-core machine busy with other work (load average 5), 180 creations
 * submitted together cost the master its lease three times in 15 s, and the
 * jobs it was running failed, rightly, as not repeatable (at load 2 they all
 * succeeded; at load 10 and more even one wave of 20 failed that way).
 */
async function createInstances(endpoint: Endpoint, nodes: readonly string[], from: number, to: number): Promise<void> {
  const started = Date.now();
  const names = Array.from({ length: to - from + 1 }, (_, index) => `bench${String(from + index).padStart(2, "0")}`);
  for (let first = 0; first < names.length; first += WAVE) {
    const wave = names.slice(first, first + WAVE);
    const ids = await Promise.all(
      wave.map(async (name, index) => {
        const op = { OP_ID: "OP_INSTANCE_CREATE", instance_name: name, os_type: os, disk_template: "diskless", pnode: nodes[(first + index) % nodes.length], no_install: true, start: false };
        return (await requestJson(endpoint, "POST", JOBS_PATH, JobSubmitBodySchema, { ops: [op] })).jobId;
      }),
    );
    await until(`${wave.length} instance creations to end`, async () => {
      const { counts } = await getJson(endpoint, QUEUE_PATH, QueueInfoBodySchema);
      return counts.queued + counts.waiting + counts.running + counts.canceling === 0;
    }, 300_000);
    const wanted = new Set(ids);
    const failed = (await getJson(endpoint, JOBS_PATH, JobListBodySchema)).jobs.filter((job) => wanted.has(job.id) && job.status !== "success");
    if (failed.length > 0) throw new Error(`${failed.length} instance creations failed, e.g. job ${failed[0]!.id}: ${JSON.stringify(failed[0]!.ops[0]?.result)}`);
  }
  say(`(made ${names.length} instances through the job API, ${WAVE} jobs at a time, in ${ms(Date.now() - started)}; not timed)`);
}

async function existsPythonClient(): Promise<boolean> {
  return run("/usr/bin/python3", ["-c", "import ganeti.rapi.client"]).then(() => true, () => false);
}

/**
 * Ganeti's figures: from this run when Ganeti is set up here (its bench.sh,
 * run from a scratch copy so the recorded file stays as it is), else the
 * ones recorded in results-latest.txt.
 */
async function ganetiFigures(): Promise<GanetiFigures | null> {
  const ready = await run("gnt-cluster", ["getmaster"], { timeout: 30_000 }).then(() => true, () => false);
  if (ready) {
    const scratch = await mkdtemp(join(tmpdir(), "alkor-bench-ganeti-"));
    try {
      for (const file of ["bench.sh", "rapi_bench.py", "samples.sh"]) await cp(join(peer, file), join(scratch, file));
      // Its job throughput (the c rows, N_JOBS jobs a run) is not compared here, and 200 a run take half an hour on a busy machine.
      say(`Ganeti is set up here: running its bench.sh (REPS=${reps}, N_JOBS=${ganetiThroughputJobs}, several minutes)...`);
      await run("bash", [join(scratch, "bench.sh")], {
        env: { ...process.env, REPS: String(reps), N_JOBS: String(ganetiThroughputJobs) },
        timeout: 3_600_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { source: "Ganeti measured in this run", medians: parseGanetiTable(await readFile(join(scratch, "results-latest.txt"), "utf8")) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const recorded = await readFile(join(peer, "results-latest.txt"), "utf8").catch(() => null);
  if (recorded === null) return null;
  const when = /^# (.*)$/m.exec(recorded)?.[1] ?? "";
  return { source: `Ganeti recorded earlier, not this run (${when}; Ganeti is not set up here)`, medians: parseGanetiTable(recorded) };
}

/** The rows of bench.sh's table ("LABEL  n  min  median  max") as label to median. */
function parseGanetiTable(text: string): Map<string, number> {
  const medians = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(line);
    if (match) medians.set(match[1]!, Number(match[4]));
  }
  return medians;
}

function report(ganeti: GanetiFigures | null): void {
  say("");
  say(`Target: alkor's median at most ${TARGET} of Ganeti's. ×base: the row's median over its baseline's (CLI: alkor-cluster version; RAPI: curl GET /version; py: Ganeti's client GetVersion()).`);
  say(`Ganeti's column: ${ganeti?.source ?? "no Ganeti figures found (../shared/peers/ganeti/results-latest.txt)"}.`);
  say(`${"measurement (ms, whole process)".padEnd(62)} ${"n".padStart(2)} ${"min".padStart(6)} ${"median".padStart(6)} ${"max".padStart(6)} ${"×base".padStart(6)} | ${"Ganeti".padStart(6)} ${"a/G".padStart(5)}  target`);
  let met = 0;
  let missed = 0;
  for (const row of rows) {
    const mid = median(row.samples);
    const base = row.base === undefined ? undefined : baselines[row.base];
    const theirs = row.ganeti === undefined ? undefined : ganeti?.medians.get(row.ganeti);
    const ratio = theirs === undefined ? undefined : mid / theirs;
    const verdict = ratio === undefined ? "" : ratio <= TARGET ? "met" : "MISSED";
    if (verdict === "met") met += 1;
    if (verdict === "MISSED") missed += 1;
    const minMedianMax = `${fixed(Math.min(...row.samples))} ${fixed(mid)} ${fixed(Math.max(...row.samples))}`;
    const overBase = (base === undefined ? "" : (mid / base).toFixed(2)).padStart(6);
    const beside = `${theirs === undefined ? "-".padStart(6) : fixed(theirs)} ${(ratio === undefined ? "" : ratio.toFixed(2)).padStart(5)}`;
    say(`${row.label.padEnd(62)} ${String(row.samples.length).padStart(2)} ${minMedianMax} ${overBase} | ${beside}  ${verdict}`);
  }
  say(`Target met by ${met} of ${met + missed} rows with a Ganeti figure.`);
  say("Ganeti's add --no-install also leaves the instance stopped (its NOTES.md, gotcha 7); alkor's starts it unless told --no-start, so the row set beside Ganeti's adds --no-start.");
  say("");
  say("Where a job command's time goes (medians, ms): the job inside the agent (received to ended; of it, queued before it ran) and the rest: the CLI process, submit and the wait's answer.");
  say(`${"measurement".padEnd(62)} ${"total".padStart(6)} ${"agent".padStart(6)} ${"queued".padStart(6)} ${"rest".padStart(6)}`);
  for (const row of rows.filter((candidate) => candidate.inAgent !== undefined)) {
    const total = median(row.samples);
    const agent = median(row.inAgent!);
    say(`${row.label.padEnd(62)} ${fixed(total)} ${fixed(agent)} ${fixed(median(row.queued!))} ${fixed(total - agent)}`);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}


const fixed = (value: number): string => value.toFixed(0).padStart(6);
const ms = (value: number): string => `${(value / 1000).toFixed(2)} s`;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

main().catch(async (error: unknown) => {
  process.stderr.write(`bench/instances: ${(error as Error).message} (${await loadAverage()})\n`);
  process.exit(1);
});
