import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { startNotifyReceiver } from "../../helpers/notify-receiver.js";
import { waitFor } from "../../helpers/wait.js";

const alkord = join(process.cwd(), "bin", "alkord");

test("under systemd, alkord says READY=1 when up, pings the watchdog at half its period and says STOPPING=1 on SIGTERM", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-sdnotify-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socket = join(dir, "notify");
  const received = await startNotifyReceiver(t, socket);
  const config = join(dir, "alkord.json");
  await writeFile(config, JSON.stringify({ clusterId: "sd", nodeName: "sd1", stateDir: join(dir, "state"), controlSocket: join(dir, "alkord.sock"), management: { address: "127.0.25.1", brokerPort: 1883 } }));

  const agent = spawn(alkord, ["--config", config], {
    env: { ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: "600000" },
    stdio: "ignore",
  });
  t.teardown(() => void agent.kill("SIGKILL"));
  const exited = new Promise<number | null>((resolve) => agent.once("exit", (code) => resolve(code)));

  await waitFor("READY=1", () => received.some((message) => message.split("\n").includes("READY=1")));
  t.true(received[0]!.startsWith("READY=1"), "READY=1 is the first message");
  await waitFor("three watchdog pings", () => received.filter((message) => message === "WATCHDOG=1").length >= 3, { timeoutMs: 5000 });
  agent.kill("SIGTERM");
  await waitFor("STOPPING=1", () => received.some((message) => message.startsWith("STOPPING=1")));
  t.is(await exited, 0);
});
