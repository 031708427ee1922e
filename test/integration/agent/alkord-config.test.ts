import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import test from "ava";

const run = promisify(execFile);
const alkord = join(process.cwd(), "bin", "alkord");

async function configFile(t: { teardown(fn: () => Promise<void>): void }, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-config-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "alkord.json");
  await writeFile(path, text);
  return path;
}

test("alkord refuses a bad configuration with exit code 1 and the bad field named", async (t) => {
  const path = await configFile(t, JSON.stringify({ membership: { heartbeatIntervalMs: "fast" } }));
  const error = await t.throwsAsync(run(alkord, ["--config", path]));
  t.is((error as unknown as { code: number }).code, 1);
  t.regex((error as unknown as { stderr: string }).stderr, /^alkord: Invalid configuration in .*alkord\.json: membership\.heartbeatIntervalMs/m);
});

test("alkord refuses a configuration file it was told to read and cannot", async (t) => {
  const error = await t.throwsAsync(run(alkord, ["--config", "/nonexistent/alkord.json"]));
  t.regex((error as unknown as { stderr: string }).stderr, /Cannot read the configuration file \/nonexistent\/alkord\.json/);
});

test("alkord --check-config prints the configuration with its defaults", async (t) => {
  const path = await configFile(t, JSON.stringify({ clusterId: "site1" }));
  const { stdout } = await run(alkord, ["--config", path, "--check-config"]);
  const config = JSON.parse(stdout) as { clusterId: string; membership: { deadAfterMs: number } };
  t.is(config.clusterId, "site1");
  t.is(config.membership.deadAfterMs, 10_000);
});
