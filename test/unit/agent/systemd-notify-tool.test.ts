import test from "ava";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { processExec } from "../../../src/host/exec.js";
import { systemdNotifyTool } from "../../../src/agent/systemd-notify.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * A real unix datagram receiver standing in for systemd. Python is used
 * because Node itself cannot bind one. It prints "ready" once bound, then
 * every datagram as one JSON line; the file descriptor systemd-notify passes
 * with BARRIER=1 is dropped unread, which closes it and releases the barrier.
 */
const receiverScript = `
import json, socket, sys
address = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + address[1:] if address.startswith("@") else address)
print("ready", flush=True)
while True:
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

async function startReceiver(t: { teardown(fn: () => void): void }, address: string): Promise<string[]> {
  const child = spawn("python3", ["-c", receiverScript, address], { stdio: ["ignore", "pipe", "inherit"] });
  t.teardown(() => child.kill());
  const lines: string[] = [];
  let ready = false;
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line === "ready") ready = true;
    else lines.push(JSON.parse(line) as string);
  });
  await waitFor("the datagram receiver to bind", () => ready);
  return lines;
}

test("READY=1 and a status reach a real unix datagram socket through systemd-notify", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-notify-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socket = join(dir, "notify");
  const received = await startReceiver(t, socket);
  await systemdNotifyTool(processExec).send(socket, "READY=1\nSTATUS=Running.");
  await waitFor("READY=1 to arrive", () => received.length > 0);
  t.is(received[0], "READY=1\nSTATUS=Running.");
});

test("a notification reaches an abstract-namespace socket named with @", async (t) => {
  const socket = `@alkor-test/${process.pid}/notify`;
  const received = await startReceiver(t, socket);
  await systemdNotifyTool(processExec).send(socket, "WATCHDOG=1");
  await waitFor("WATCHDOG=1 to arrive", () => received.length > 0);
  t.is(received[0], "WATCHDOG=1");
});

test("a socket nobody listens on makes the send fail with the tool's reason", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-notify-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await t.throwsAsync(systemdNotifyTool(processExec).send(join(dir, "nobody"), "READY=1"), {
    message: /systemd-notify READY=1 failed: .*No such file or directory/,
  });
});
