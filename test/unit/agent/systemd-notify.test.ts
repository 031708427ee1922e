import test from "ava";
import { pino } from "pino";
import { AlkorError } from "../../../src/model/errors.js";
import { SystemdNotifier, watchdogIntervalMs, type Environment, type NotifySender } from "../../../src/agent/systemd-notify.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { memoryLogger } from "../../helpers/log.js";

const pid = 4242;

class RecordingSender implements NotifySender {
  readonly sent: Array<{ socket: string; message: string }> = [];
  failWith: Error | undefined;

  async send(socket: string, message: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push({ socket, message });
  }

  messages(): string[] {
    return this.sent.map((s) => s.message);
  }
}

function notifier(env: Environment, log = pino({ level: "silent" })) {
  const clock = new ManualClock();
  const sender = new RecordingSender();
  return { clock, sender, notifier: new SystemdNotifier({ env, pid, clock, sender, log }) };
}

/** Lets the notifier's queued sends run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("without NOTIFY_SOCKET nothing is sent and no timer is set", async (t) => {
  const { clock, sender, notifier: n } = notifier({ WATCHDOG_USEC: "30000000" });
  await n.start();
  await n.status("Waiting for quorum");
  clock.advance(120_000);
  await n.stop();
  t.deepEqual(sender.sent, []);
});

test("start sends READY=1 with a status to the socket NOTIFY_SOCKET names", async (t) => {
  const { sender, notifier: n } = notifier({ NOTIFY_SOCKET: "/run/systemd/notify" });
  await n.start();
  t.deepEqual(sender.sent, [{ socket: "/run/systemd/notify", message: "READY=1\nSTATUS=Running." }]);
});

test("an abstract-namespace NOTIFY_SOCKET is used as given", async (t) => {
  const { sender, notifier: n } = notifier({ NOTIFY_SOCKET: "@/org/freedesktop/systemd1/notify" });
  await n.start();
  t.is(sender.sent[0]?.socket, "@/org/freedesktop/systemd1/notify");
});

test("the watchdog is pinged every half of WATCHDOG_USEC after READY", async (t) => {
  const { clock, sender, notifier: n } = notifier({ NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC: "30000000" });
  await n.start();
  clock.advance(14_999);
  await settle();
  t.deepEqual(sender.messages(), ["READY=1\nSTATUS=Running."]);
  clock.advance(1);
  await settle();
  clock.advance(15_000);
  await settle();
  t.deepEqual(sender.messages(), ["READY=1\nSTATUS=Running.", "WATCHDOG=1", "WATCHDOG=1"]);
});

test("the watchdog is pinged when WATCHDOG_PID is our pid", async (t) => {
  const { clock, sender, notifier: n } = notifier({
    NOTIFY_SOCKET: "/run/systemd/notify",
    WATCHDOG_USEC: "2000000",
    WATCHDOG_PID: String(pid),
  });
  await n.start();
  clock.advance(1000);
  await settle();
  t.deepEqual(sender.messages().slice(1), ["WATCHDOG=1"]);
});

test("the watchdog is left alone when WATCHDOG_PID names another process", async (t) => {
  const { clock, sender, notifier: n } = notifier({
    NOTIFY_SOCKET: "/run/systemd/notify",
    WATCHDOG_USEC: "2000000",
    WATCHDOG_PID: "1",
  });
  await n.start();
  clock.advance(60_000);
  await settle();
  t.deepEqual(sender.messages(), ["READY=1\nSTATUS=Running."]);
});

test("stop sends STOPPING=1 and ends the watchdog pings", async (t) => {
  const { clock, sender, notifier: n } = notifier({ NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC: "10000000" });
  await n.start();
  await n.stop();
  clock.advance(60_000);
  await settle();
  t.deepEqual(sender.messages(), ["READY=1\nSTATUS=Running.", "STOPPING=1\nSTATUS=Stopping."]);
});

test("a watchdog ping still in flight is not doubled by the next tick", async (t) => {
  const clock = new ManualClock();
  const released: Array<() => void> = [];
  const messages: string[] = [];
  const slowSender: NotifySender = {
    send: (_socket, message) => {
      messages.push(message);
      return message === "WATCHDOG=1" ? new Promise((resolve) => released.push(resolve)) : Promise.resolve();
    },
  };
  const n = new SystemdNotifier({
    env: { NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC: "2000000" },
    pid,
    clock,
    sender: slowSender,
    log: pino({ level: "silent" }),
  });
  await n.start();
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await settle();
  }
  t.is(messages.filter((m) => m === "WATCHDOG=1").length, 1);
  released.forEach((release) => release());
  await settle();
  clock.advance(1000);
  await settle();
  t.is(messages.filter((m) => m === "WATCHDOG=1").length, 2);
  released.forEach((release) => release());
});

test("a status text is sent on one line", async (t) => {
  const { sender, notifier: n } = notifier({ NOTIFY_SOCKET: "/run/systemd/notify" });
  await n.status("Waiting for quorum:\n2 of 3 nodes");
  t.deepEqual(sender.messages(), ["STATUS=Waiting for quorum: 2 of 3 nodes"]);
});

test("a notification that cannot be sent is logged and does not fail start or stop", async (t) => {
  const { log, events } = memoryLogger();
  const { sender, notifier: n } = notifier({ NOTIFY_SOCKET: "/run/systemd/notify" }, log);
  sender.failWith = new Error("Connection refused");
  await n.start();
  await n.stop();
  t.deepEqual(
    events.filter((e) => e.level === 50).map((e) => e.msg),
    ["Could not notify systemd (READY=1).", "Could not notify systemd (STOPPING=1)."],
  );
});

test("an invalid WATCHDOG_USEC stops the start with a clear error", async (t) => {
  const { sender, notifier: n } = notifier({ NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC: "30s" });
  await t.throwsAsync(n.start(), { instanceOf: AlkorError, message: /WATCHDOG_USEC must be a positive number of microseconds, not "30s"/ });
  t.deepEqual(sender.sent, []);
});

test("the watchdog interval is half of WATCHDOG_USEC in milliseconds", (t) => {
  t.is(watchdogIntervalMs({ WATCHDOG_USEC: "30000000" }, pid), 15_000);
  t.is(watchdogIntervalMs({ WATCHDOG_USEC: "1000" }, pid), 1);
  t.is(watchdogIntervalMs({}, pid), undefined);
  t.is(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "" }, pid), 15_000);
  t.throws(() => watchdogIntervalMs({ WATCHDOG_USEC: "0" }, pid), { instanceOf: AlkorError });
});
