import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processExec } from "../../../src/host/exec.js";
import { systemdNotifyTool } from "../../../src/agent/systemd-notify.js";
import { startNotifyReceiver as startReceiver } from "../../helpers/notify-receiver.js";
import { waitFor } from "../../helpers/wait.js";

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
