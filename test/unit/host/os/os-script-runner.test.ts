import test, { type ExecutionContext } from "ava";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { SpawnOsScriptRunner, type OsScriptRun } from "../../../../src/host/os/os-script-runner.js";
import { waitFor } from "../../../helpers/wait.js";

// Real processes: sh scripts in a temporary directory.

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-os-runner-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function script(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

function request(dir: string, argv: string[], extra: Partial<OsScriptRun> = {}): OsScriptRun {
  return { argv, env: { PATH: "/usr/bin:/bin" }, cwd: dir, timeoutMs: 10_000, logPath: join(dir, "log", "create.log"), ...extra };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("the script's output goes to the log file as written, and its last lines come back", async (t) => {
  const dir = await tempDir(t);
  const path = await script(dir, "create", 'i=1; while [ $i -le 30 ]; do echo "line $i"; i=$((i+1)); done; echo "to stderr" >&2; exit 3');
  const outcome = await new SpawnOsScriptRunner().run(request(dir, [path]));
  t.like(outcome, { exitCode: 3, signal: null, timedOut: false });
  t.is(outcome.lastLines.length, 20);
  t.is(outcome.lastLines.at(-1), "to stderr");
  t.is(outcome.lastLines[0], "line 12");
  const log = await readFile(join(dir, "log", "create.log"), "utf8");
  t.true(log.startsWith("line 1\nline 2\n"));
  t.true(log.includes("line 30\n") && log.includes("to stderr\n"));
});

test("a log file that exists already is appended to", async (t) => {
  const dir = await tempDir(t);
  const path = await script(dir, "verify", "echo second");
  const runner = new SpawnOsScriptRunner();
  await runner.run(request(dir, [path]));
  await runner.run(request(dir, [path]));
  t.is(await readFile(join(dir, "log", "create.log"), "utf8"), "second\nsecond\n");
});

test("the script sees only the environment given, and runs in the directory given", async (t) => {
  const dir = await tempDir(t);
  process.env.ALKOR_AGENT_SECRET = "must not leak";
  t.teardown(() => delete process.env.ALKOR_AGENT_SECRET);
  const path = await script(dir, "create", "env | sort; pwd");
  const outcome = await new SpawnOsScriptRunner().run(request(dir, [path], { env: { PATH: "/usr/bin:/bin", INSTANCE_NAME: "web1" } }));
  t.is(outcome.exitCode, 0);
  const log = (await readFile(join(dir, "log", "create.log"), "utf8")).split("\n");
  t.true(log.includes("INSTANCE_NAME=web1"));
  t.false(log.some((line) => line.startsWith("ALKOR_AGENT_SECRET")));
  t.is(outcome.lastLines.at(-1), dir);
});

test("standard input feeds the script and standard output can be taken apart from the log", async (t) => {
  const dir = await tempDir(t);
  const path = await script(dir, "export", "tr a-z A-Z; echo done >&2");
  const data = new PassThrough();
  const chunks: Buffer[] = [];
  data.on("data", (chunk: Buffer) => chunks.push(chunk));
  const outcome = await new SpawnOsScriptRunner().run(request(dir, [path], { stdin: Readable.from([Buffer.from("disk bytes\n")]), stdout: data }));
  t.is(outcome.exitCode, 0);
  t.is(Buffer.concat(chunks).toString(), "DISK BYTES\n");
  t.is(await readFile(join(dir, "log", "create.log"), "utf8"), "done\n");
});

test("a script that runs too long is stopped with everything it started", async (t) => {
  const dir = await tempDir(t);
  const pidFile = join(dir, "child.pid");
  const path = await script(dir, "create", `sleep 60 & echo $! > ${pidFile}; echo started; wait`);
  const started = Date.now();
  const outcome = await new SpawnOsScriptRunner().run(request(dir, [path], { timeoutMs: 500 }));
  // Had only the shell been stopped, its sleep would hold the output pipe open for a minute.
  t.true(Date.now() - started < 10_000);
  t.like(outcome, { timedOut: true, exitCode: null, signal: "SIGTERM" });
  t.deepEqual(outcome.lastLines, ["started"]);
  const child = Number(await readFile(pidFile, "utf8"));
  await waitFor("the script's child to be gone", () => !alive(child), { timeoutMs: 5_000 });
  t.pass();
});

test("a script that ignores SIGTERM is killed after the grace period", async (t) => {
  const dir = await tempDir(t);
  const path = await script(dir, "create", "trap '' TERM; echo stubborn; while :; do sleep 1; done");
  const started = Date.now();
  const outcome = await new SpawnOsScriptRunner({ killGraceMs: 300 }).run(request(dir, [path], { timeoutMs: 300 }));
  t.like(outcome, { timedOut: true, signal: "SIGKILL" });
  t.true(Date.now() - started < 5_000);
});

test("a script that cannot be started is an environment error naming it", async (t) => {
  const dir = await tempDir(t);
  await t.throwsAsync(new SpawnOsScriptRunner().run(request(dir, [join(dir, "missing")])), { code: "environment_error", message: /Could not run .*missing: spawn .*ENOENT/ });
});

test("a log file that cannot be opened is refused before the script runs", async (t) => {
  const dir = await tempDir(t);
  const marker = join(dir, "ran");
  const path = await script(dir, "create", `touch ${marker}`);
  await writeFile(join(dir, "file"), "");
  await t.throwsAsync(new SpawnOsScriptRunner().run(request(dir, [path], { logPath: join(dir, "file", "x.log") })), {
    code: "environment_error",
    message: /Could not open the OS log file/,
  });
  await t.throwsAsync(readFile(marker));
});
