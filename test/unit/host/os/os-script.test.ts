import test, { type ExecutionContext } from "ava";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OsDefinition } from "../../../../src/host/os/os-definition.js";
import { osLogFileName, runOsScript, osScriptTimeoutsMs } from "../../../../src/host/os/os-script.js";
import { SpawnOsScriptRunner, type OsScriptRun, type OsScriptRunner } from "../../../../src/host/os/os-script-runner.js";
import { AlkorError } from "../../../../src/model/errors.js";

async function osWith(t: ExecutionContext, scripts: Record<string, string>): Promise<OsDefinition> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-os-script-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "testos");
  await mkdir(path);
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(path, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(path, name), 0o755);
  }
  return { name: "testos", path, apiVersions: [20], variants: [], parameters: [], valid: true, problems: [] };
}

test("a failing create script is an environment error naming the instance and showing its last lines", async (t) => {
  const os = await osWith(t, { create: 'echo "formatting $INSTANCE_NAME"; echo "mkfs: no space left on device" >&2; exit 2' });
  const logPath = join(os.path, "..", "add-testos-web1.log");
  const error = await t.throwsAsync(
    runOsScript(new SpawnOsScriptRunner(), { os, script: "create", instanceName: "web1", env: { INSTANCE_NAME: "web1" }, logPath }),
    { instanceOf: AlkorError },
  );
  t.is(error?.code, "environment_error");
  t.is(error?.message, `OS create script for instance web1 failed (testos, exit status 2; log ${logPath}):\nformatting web1\nmkfs: no space left on device`);
  t.like(error?.details, { instance: "web1", exitCode: 2, lastLines: ["formatting web1", "mkfs: no space left on device"] });
  t.is(await readFile(logPath, "utf8"), "formatting web1\nmkfs: no space left on device\n");
});

test("a script that succeeds gives its last lines", async (t) => {
  const os = await osWith(t, { rename: 'echo "renamed $OLD_INSTANCE_NAME to $INSTANCE_NAME"' });
  const result = await runOsScript(new SpawnOsScriptRunner(), {
    os,
    script: "rename",
    instanceName: "web2",
    env: { INSTANCE_NAME: "web2", OLD_INSTANCE_NAME: "web1" },
    logPath: join(os.path, "..", "rename.log"),
  });
  t.deepEqual(result.lastLines, ["renamed web1 to web2"]);
});

test("verify is called with the check 'parameters', in the OS directory, with the script's timeout", async (t) => {
  const runs: OsScriptRun[] = [];
  const recorder: OsScriptRunner = {
    async run(run) {
      runs.push(run);
      return { exitCode: 0, signal: null, timedOut: false, lastLines: [] };
    },
  };
  const os: OsDefinition = { name: "x", path: "/srv/alkor/os/x", apiVersions: [20], variants: [], parameters: [], valid: true, problems: [] };
  await runOsScript(recorder, { os, script: "verify", instanceName: "web1", env: {}, logPath: "/tmp/v.log" });
  await runOsScript(recorder, { os, script: "create", instanceName: "web1", env: {}, logPath: "/tmp/c.log" });
  t.like(runs[0], { argv: ["/srv/alkor/os/x/verify", "parameters"], cwd: "/srv/alkor/os/x", timeoutMs: 5 * 60_000 });
  t.like(runs[1], { argv: ["/srv/alkor/os/x/create"], timeoutMs: 60 * 60_000 });
  t.is(osScriptTimeoutsMs.import, 60 * 60_000);
});

test("a script that times out says so", async (t) => {
  const os = await osWith(t, { create: "echo waiting; sleep 30" });
  await t.throwsAsync(
    runOsScript(new SpawnOsScriptRunner({ killGraceMs: 200 }), { os, script: "create", instanceName: "web1", env: {}, logPath: join(os.path, "..", "c.log"), timeoutMs: 300 }),
    { code: "environment_error", message: /OS create script for instance web1 failed \(testos, timed out after 300 ms; log .*\):\nwaiting$/ },
  );
});

test("a script that prints nothing before failing says that too", async (t) => {
  const os = await osWith(t, { verify: "exit 1" });
  await t.throwsAsync(runOsScript(new SpawnOsScriptRunner(), { os, script: "verify", instanceName: "web1", env: {}, logPath: join(os.path, "..", "v.log") }), {
    message: /exit status 1; log .*\) \(it printed nothing\)$/,
  });
});

test("an invalid OS is not run", async (t) => {
  let ran = false;
  const recorder: OsScriptRunner = {
    async run() {
      ran = true;
      return { exitCode: 0, signal: null, timedOut: false, lastLines: [] };
    },
  };
  const os: OsDefinition = { name: "x", path: "/srv/alkor/os/x", apiVersions: [10], variants: [], parameters: [], valid: false, problems: ["unsupported API version 10: alkor supports 20"] };
  await t.throwsAsync(runOsScript(recorder, { os, script: "create", instanceName: "web1", env: {}, logPath: "/tmp/c.log" }), {
    code: "environment_error",
    message: "OS x at /srv/alkor/os/x is not usable on this node: unsupported API version 10: alkor supports 20.",
  });
  t.false(ran);
});

test("log files are named as Ganeti names them, by kind, OS, instance and UTC time", (t) => {
  t.is(osLogFileName("add", "alkor-image+image", "web1", new Date(Date.UTC(2025, 0, 31, 12, 5, 9))), "add-alkor-image+image-web1-2025-01-31_12_05_09.log");
  t.is(osLogFileName("rename", "a/b", "web1", new Date(0)), "rename-a_b-web1-1970-01-01_00_00_00.log");
});
