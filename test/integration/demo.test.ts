import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { runAlkor } from "../helpers/alkor-command.js";
import { waitFor } from "../helpers/wait.js";

const demoMain = join(process.cwd(), "dist", "src", "demo", "main.js");

/** PIDs of running processes whose command line mentions `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const { readFile } = await import("node:fs/promises");
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

/** The instance commands the demo suggests, as argument lists (its trailing comments dropped; `a && b` and `a; b` split). */
function suggestedInstanceCommands(output: string): string[][] {
  return output
    .split("\n")
    .filter((line) => /^ {2}alkor-(instance|os) /.test(line))
    .flatMap((line) => line.replace(/#.*$/, "").split(/&&|;/))
    .map((command) => command.trim().split(/\s+/))
    .filter((words) => words.length > 1);
}

test("make demo's program starts three agents that see each other, prints endpoints, and Ctrl-C leaves nothing behind", async (t) => {
  const demoDir = await mkdtemp(join(tmpdir(), "alkor-demo-test-"));
  t.teardown(() => rm(demoDir, { recursive: true, force: true }));
  const demo = spawn(process.execPath, [demoMain], {
    env: { ...process.env, ALKOR_DEMO_DIR: demoDir, ALKOR_DEMO_ADDRESS_PREFIX: "127.0.24" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  demo.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  t.teardown(() => void demo.kill("SIGKILL"));

  await waitFor("the demo to say what to try", () => output.includes("Ctrl-C stops all three agents."), { timeoutMs: 60_000 });
  const exports = output.split("\n").filter((line) => line.trim().startsWith("export ALKOR_ENDPOINT=unix:"));
  t.is(exports.length, 3);
  t.regex(output, /All 3 agents see each other/);
  t.is((await processesMentioning(demoDir)).length, 3, "three agents run");

  // The instance commands it suggests work as printed: create, list, start, stop, change and remove.
  const socket = exports[0]!.trim().split(/\s+/)[1]!.replace(/^ALKOR_ENDPOINT=unix:/, "");
  const commands = suggestedInstanceCommands(output);
  t.true(commands.some((words) => words[1] === "add") && commands.some((words) => words[1] === "remove"), output);
  for (const [command, ...args] of commands) {
    const result = await runAlkor(socket, command!, args);
    t.is(result.code, 0, `${command} ${args.join(" ")}: ${result.stderr}`);
  }

  const exited = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)));
  demo.kill("SIGINT");
  t.is(await exited, 0);
  t.deepEqual(await processesMentioning(demoDir), [], "no agent is left running");
});
