import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test, { type ExecutionContext } from "ava";
import { encodeFrames, FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD } from "../../../src/cli/cli-frames.js";
import { FakeInstanceDirectory, runCli, SAMPLE_VIEWS, sampleView, startInstanceApi, succeeding } from "./instance/fake-instance-api.js";
import type { Run } from "./run-cli.js";
import { memoryLogger } from "../../helpers/log.js";
import { waitFor } from "../../helpers/wait.js";
import { FakeJobQueue } from "../api/local/fake-job-queue.js";

/*
 * native/alkor-cli (make build) against a real local API server whose
 * CliService runs the commands, as the agent does. The client is given a
 * Node that does not exist, so a command it ran in its own process instead
 * would fail; where it must run locally, the "Node" is /bin/echo, which
 * prints the command line it was given.
 */

const client = join(process.cwd(), "build", "native", "alkor-cli");
const missingNode = "/nonexistent/alkor-test-node";

function script(command: string): string {
  return fileURLToPath(new URL(`../../../src/cli/${command}.js`, import.meta.url));
}

interface ThinRun {
  node?: string;
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
}

/** The thin client's environment as bin/ gives it: no ALKOR_* settings but the endpoint's, in UTC. */
function thinEnv(endpoint: string, options: ThinRun): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("ALKOR_")));
  return { ...inherited, TZ: "UTC", ALKOR_ENDPOINT: endpoint, ...options.env };
}

/** Runs the thin client as bin/ does. */
function runThin(endpoint: string, command: string, args: string[], options: ThinRun = {}): Promise<Run> {
  const env = thinEnv(endpoint, options);
  return new Promise((resolve) => {
    const child = execFile(client, [command, options.node ?? missingNode, script(command), ...args], { env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
    // A command run locally as /bin/echo exits without reading its input: the closed pipe is no failure.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.stdin ?? "");
  });
}

/** What /bin/echo prints when the client runs the command in its own process. */
function ranLocally(command: string, args: string[]): string {
  return `${[script(command), ...args].join(" ")}\n`;
}

async function scratchDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-thin-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("the agent runs queries, usage errors and help for the thin client, printing what the command prints in its own process", async (t) => {
  const endpoint = await startInstanceApi(t, { thinClient: true });
  const cases = [
    ["list"],
    ["list", "--no-headers", "-o", "name,status,oper_ram"],
    ["info", "web1"],
    ["info", "nosuch"],
    ["list", "--bogus"],
    ["remove", "web1"],
    ["--help"],
  ];
  for (const args of cases) {
    const [thin, own] = await Promise.all([runThin(endpoint, "alkor-instance", args), runCli("alkor-instance", [...args, "--endpoint", endpoint])]);
    t.deepEqual(thin, own, args.join(" "));
  }
  const failed = await runThin(endpoint, "alkor-instance", ["info", "nosuch"]);
  t.deepEqual(failed, { code: 1, stdout: "", stderr: "Instance nosuch does not exist.\n" });
  t.is((await runThin(endpoint, "alkor-instance", ["remove", "web1"])).code, 2, "no terminal to ask on: a usage error, as in its own process");
});

test("a job command runs in the agent: the job is submitted once and followed to its end", async (t) => {
  const jobs = succeeding([["node2"]]);
  const endpoint = await startInstanceApi(t, { jobs, thinClient: true });
  const result = await runThin(endpoint, "alkor-instance", ["add", "-t", "diskless", "-o", "alkor-image+blank", "-n", "node2", "--no-start", "web3"]);
  t.is(result.code, 0, result.stderr);
  t.is(jobs.submissions.length, 1);
  t.like(jobs.submissions[0]!.ops[0], { OP_ID: "OP_INSTANCE_CREATE", instance_name: "web3", pnode: "node2" });
  t.regex(result.stdout, /Instance web3 was created on node2\./);
});

test("^C on the thin client stops the agent's follow of the job, and leaves the job to run", async (t) => {
  const jobs = new FakeJobQueue();
  const { log, events } = memoryLogger();
  const endpoint = await startInstanceApi(t, { jobs, thinClient: true, cliLog: log });
  const args = ["add", "-t", "diskless", "-o", "alkor-image+blank", "-n", "node2", "--no-start", "web3"];
  const child = spawn(client, ["alkor-instance", missingNode, script("alkor-instance"), ...args], { env: thinEnv(endpoint, {}), stdio: "ignore" });
  t.teardown(() => void child.kill("SIGKILL"));
  // The first wait answers at once (the job is queued); the second is the long poll.
  await waitFor("the agent to long-poll the job for the client", () => jobs.waits.length >= 2);
  const polls = jobs.waits.length;
  child.kill("SIGINT");
  await waitFor("the command in the agent to end", () => events.some((event) => event.msg === "alkor-instance ended early: its caller went away."));
  t.is(jobs.waits.length, polls, "no poll after the caller went away");
  t.is(jobs.job(1).status, "queued", "the job itself is not canceled");
});

test("an answer larger than one frame arrives whole and in order", async (t) => {
  const views = Array.from({ length: 400 }, (_, index) => sampleView({ name: `vm${String(index).padStart(3, "0")}`, uuid: `5b9e1f0c-7d3a-4e2b-9c1d-${String(index).padStart(12, "0")}` }));
  const endpoint = await startInstanceApi(t, { instances: new FakeInstanceDirectory(views), thinClient: true });
  const [thin, own] = await Promise.all([runThin(endpoint, "alkor-instance", ["info", "--json"]), runCli("alkor-instance", ["info", "--json", "--endpoint", endpoint])]);
  t.true(thin.stdout.length > 3 * MAX_FRAME_PAYLOAD, `${thin.stdout.length} bytes`);
  t.deepEqual(thin, own);
});

test("commands that need the caller's files, standard input or terminal run in the caller's process, with nothing done in the agent", async (t) => {
  const jobs = succeeding();
  const web1Console = { instance: "web1", node: "node1", self: true, socketPath: "/run/alkor/console/web1.sock", serialConsole: true };
  const endpoint = await startInstanceApi(t, { jobs, instances: new FakeInstanceDirectory(SAMPLE_VIEWS, { web1: web1Console }), thinClient: true });
  const dir = await scratchDir(t);
  await writeFile(join(dir, "spec.json"), JSON.stringify({ web9: { template: "diskless", os: "alkor-image+blank" } }));
  const local = { node: "/bin/echo", cwd: dir };
  for (const args of [["batch-create", "spec.json"], ["add-tags", "--from", "-", "web1"], ["console", "web1"]]) {
    t.deepEqual(await runThin(endpoint, "alkor-instance", args, { ...local, stdin: "tag1\n" }), { code: 0, stdout: ranLocally("alkor-instance", args), stderr: "" }, args.join(" "));
  }
  // Printing the console's command needs no terminal: the agent runs it.
  t.deepEqual(await runThin(endpoint, "alkor-instance", ["console", "--show-cmd", "web1"]), { code: 0, stdout: "socat STDIO,raw,echo=0,escape=0x1d UNIX-CONNECT:/run/alkor/console/web1.sock\n", stderr: "" });
  const init = ["init", "--cluster-ip", "127.0.0.9", "c1"];
  t.deepEqual(await runThin(endpoint, "alkor-cluster", init, local), { code: 0, stdout: ranLocally("alkor-cluster", init), stderr: "" }, "the join token is in the caller's environment");
  t.is(jobs.submissions.length, 0);
});

test("--endpoint, an http endpoint, another time zone, no agent and an agent without the service all run the command in the caller's process", async (t) => {
  const endpoint = await startInstanceApi(t, { thinClient: true });
  const withoutService = await startInstanceApi(t);
  const dir = await scratchDir(t);
  const local = (args: string[]) => ({ code: 0, stdout: ranLocally("alkor-instance", args), stderr: "" });
  const echo = { node: "/bin/echo" };
  t.deepEqual(await runThin(endpoint, "alkor-instance", ["list", "--endpoint", endpoint], echo), local(["list", "--endpoint", endpoint]));
  t.deepEqual(await runThin(endpoint, "alkor-instance", ["list", `--endpoint=${endpoint}`], echo), local(["list", `--endpoint=${endpoint}`]));
  t.deepEqual(await runThin("http://127.0.0.1:9", "alkor-instance", ["list"], echo), local(["list"]));
  t.deepEqual(await runThin(endpoint, "alkor-instance", ["list"], { ...echo, env: { TZ: "Europe/Berlin" } }), local(["list"]));
  t.deepEqual(await runThin(`unix:${join(dir, "none.sock")}`, "alkor-instance", ["list"], echo), local(["list"]));
  t.deepEqual(await runThin(withoutService, "alkor-instance", ["list"], echo), local(["list"]));
  t.deepEqual(await runThin(endpoint, "alkor-nosuch", ["list"], echo), { code: 0, stdout: `${[script("alkor-nosuch"), "list"].join(" ")}\n`, stderr: "" }, "a command the agent does not run");
});

test("an agent that hangs up before the command ends: the output so far, then a sentence and exit status 1", async (t) => {
  const dir = await scratchDir(t);
  const socketPath = join(dir, "hangs-up.sock");
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", () => {
      socket.write("HTTP/1.0 200 OK\r\ncontent-type: application/octet-stream\r\n\r\n");
      socket.end(Buffer.concat(encodeFrames("stdout", Buffer.from("partial line\n"))));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const result = await runThin(`unix:${socketPath}`, "alkor-instance", ["list"]);
  t.deepEqual(result, { code: 1, stdout: "partial line\n", stderr: `The agent at ${socketPath} closed the connection before the command ended.\n` });
});

test("frames: a kind letter, a big-endian length, the bytes; long output is split, empty output is one empty frame", (t) => {
  const big = Buffer.alloc(MAX_FRAME_PAYLOAD * 2 + 10, "a");
  const frames = encodeFrames("stdout", big);
  t.deepEqual(frames.filter((_, index) => index % 2 === 0).map((header) => [header.toString("latin1", 0, 1), header.readUInt32BE(1)]), [
    ["o", MAX_FRAME_PAYLOAD],
    ["o", MAX_FRAME_PAYLOAD],
    ["o", 10],
  ]);
  t.deepEqual(Buffer.concat(frames.filter((_, index) => index % 2 === 1)), big);
  t.deepEqual(Buffer.concat(encodeFrames("exit", Buffer.from([3]))), Buffer.from([0x78, 0, 0, 0, 1, 3]));
  const empty = encodeFrames("stderr", Buffer.alloc(0));
  t.is(Buffer.concat(empty).length, FRAME_HEADER_BYTES);
});
