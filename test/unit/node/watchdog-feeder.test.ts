import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { parseAgentConfig } from "../../../src/agent/config.js";
import { localDurableFiles } from "../../../src/host/durable-file.js";
import type { WatchdogDevice } from "../../../src/host/watchdog/device.js";
import type { WatchdogInfo } from "../../../src/host/watchdog/sysfs.js";
import { WatchdogFeeder } from "../../../src/node/watchdog-feeder.js";
import { memoryLogger } from "../../helpers/log.js";
import { ManualClock } from "../../helpers/manual-clock.js";

/** Records what the feeder does to the device, in order. */
class FakeWatchdog implements WatchdogDevice {
  readonly path = "/dev/watchdog";
  readonly events: string[] = [];
  failFeeds = false;

  constructor(private readonly sysfs: WatchdogInfo | null = { identity: "i6300ESB timer", timeoutSeconds: 30, nowayout: false }) {}

  async info(): Promise<WatchdogInfo | null> {
    return this.sysfs;
  }
  async open(): Promise<void> {
    this.events.push("open");
  }
  async keepAlive(): Promise<void> {
    if (this.failFeeds) throw new Error("EIO");
    this.events.push("feed");
  }
  async disarm(): Promise<void> {
    this.events.push("magic close");
  }
}

async function setup(t: { teardown(fn: () => Promise<void>): void }, device = new FakeWatchdog(), bootId = "boot-1") {
  const dir = await mkdtemp(join(tmpdir(), "alkor-feeder-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const clock = new ManualClock();
  const { log, events } = memoryLogger();
  const armedNotePath = join(dir, "watchdog-armed");
  const feeder = (pid = 100, boot = bootId) =>
    new WatchdogFeeder({ device, feedIntervalMs: 5000, armedNotePath, files: localDurableFiles, bootId: async () => boot, pid, clock, log });
  return { device, clock, log: events, armedNotePath, feeder };
}

/** Lets the feeds the clock fired finish (they write asynchronously). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("a started feeder opens the watchdog, feeds it at once and then every interval", async (t) => {
  const { device, clock, feeder } = await setup(t);
  await feeder().start();
  t.deepEqual(device.events, ["open", "feed"]);
  clock.advance(5000);
  await settle();
  clock.advance(5000);
  await settle();
  t.deepEqual(device.events, ["open", "feed", "feed", "feed"]);
});

test("a clean stop feeds no more and ends with the magic close, leaving no armed note", async (t) => {
  const { device, clock, feeder, armedNotePath } = await setup(t);
  const service = feeder();
  await service.start();
  t.truthy(await localDurableFiles.readIfExists(armedNotePath));
  await service.stop();
  clock.advance(20_000);
  await settle();
  t.deepEqual(device.events, ["open", "feed", "magic close"]);
  t.is(await localDurableFiles.readIfExists(armedNotePath), undefined);
});

test("an agent restarted after its predecessor died armed refuses to feed, so the node resets", async (t) => {
  const { device, feeder } = await setup(t);
  await feeder(100).start();
  // SIGKILL: no stop(), the note stays; systemd starts a new agent in the same boot.
  device.events.length = 0;
  await t.throwsAsync(feeder(200).start(), { code: "wrong_state", message: /previous agent \(pid 100\) ended without disarming watchdog \/dev\/watchdog; .* will reset this node/ });
  t.deepEqual(device.events, []);
});

test("after the reset, a new boot's agent arms the watchdog again", async (t) => {
  const { device, feeder } = await setup(t);
  await feeder(100, "boot-1").start();
  device.events.length = 0;
  await feeder(300, "boot-2").start();
  t.deepEqual(device.events, ["open", "feed"]);
});

test("a feed interval of half the watchdog's timeout or more is refused before arming", async (t) => {
  const device = new FakeWatchdog({ identity: "Software Watchdog", timeoutSeconds: 10, nowayout: false });
  const { feeder } = await setup(t, device);
  await t.throwsAsync(feeder().start(), { code: "wrong_input", message: /must be under half the timeout of \/dev\/watchdog \(10 s\)/ });
  t.deepEqual(device.events, []);
});

test("a watchdog whose timeout sysfs does not show is armed, saying so", async (t) => {
  const { device, feeder, log } = await setup(t, new FakeWatchdog(null));
  await feeder().start();
  t.deepEqual(device.events, ["open", "feed"]);
  t.true(log.some((event) => /timeout the driver's default/.test(String(event["msg"]))));
});

test("nowayout is warned about: a clean stop will reset the node too", async (t) => {
  const { feeder, log } = await setup(t, new FakeWatchdog({ identity: "i6300ESB timer", timeoutSeconds: 30, nowayout: true }));
  await feeder().start();
  t.true(log.some((event) => event["level"] === 40 && /nowayout/.test(String(event["msg"]))));
});

test("failed feeds are logged once per run of failures, and recovery is logged", async (t) => {
  const { device, clock, feeder, log } = await setup(t);
  await feeder().start();
  device.failFeeds = true;
  for (let i = 0; i < 3; i++) {
    clock.advance(5000);
    await settle();
  }
  device.failFeeds = false;
  clock.advance(5000);
  await settle();
  t.is(log.filter((event) => /Feeding watchdog \/dev\/watchdog failed/.test(String(event["msg"]))).length, 1);
  t.true(log.some((event) => /works again/.test(String(event["msg"]))));
});

test("the agent config takes a watchdog section with defaults, and a BMC section", (t) => {
  const config = parseAgentConfig({ watchdog: {}, bmc: { address: "10.253.0.12", user: "admin", password: "secret" } }, "test");
  t.deepEqual(config.watchdog, { device: "/dev/watchdog", feedIntervalMs: 5000 });
  t.deepEqual(config.bmc, { address: "10.253.0.12", port: 623, user: "admin", password: "secret" });
  t.is(parseAgentConfig({}, "test").watchdog, undefined);
  t.throws(() => parseAgentConfig({ watchdog: { feedIntervalMs: 50 } }, "test"), { message: /watchdog\.feedIntervalMs/ });
  t.throws(() => parseAgentConfig({ bmc: { address: "x", user: "u" } }, "test"), { message: /bmc\.password/ });
});
