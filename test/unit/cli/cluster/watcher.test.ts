import test from "ava";
import { formatWatcherInfo } from "../../../../src/cli/cluster/watcher.js";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "../fake-cluster-control.js";
import { runCommand } from "../run-cli.js";

// The commands print local time; this worker and the commands it runs use UTC.
process.env.TZ = "UTC";

test("says in the manual's words whether the watcher is paused", (t) => {
  t.is(formatWatcherInfo({ pausedUntil: null }), "The watcher is not paused.");
  t.is(formatWatcherInfo({ pausedUntil: Date.UTC(2009, 9, 26, 0, 30, 37) }), "The watcher is paused until Mon Oct 26 00:30:37 2009.");
});

test("watcher pause DURATION pauses it until now plus the duration and says until when; info then says the same", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const before = Date.now();
  const paused = await runCommand("alkor-cluster", ["watcher", "pause", "1h", "--endpoint", endpoint]);
  const after = Date.now();
  t.is(paused.code, 0, paused.stderr);
  const until = jobs.pausedUntil!;
  t.true(until >= before + 3_600_000 && until <= after + 3_600_000, `paused until ${until}`);
  t.is(paused.stdout, `${formatWatcherInfo({ pausedUntil: until })}\n`);
  const info = await runCommand("alkor-cluster", ["watcher", "info", "--endpoint", endpoint]);
  t.is(info.stdout, paused.stdout);
});

test("watcher continue lets it run again; info then says it is not paused", async (t) => {
  const jobs = new FakeJobQueue();
  await jobs.pauseWatcher(Date.UTC(2030, 0, 1));
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const resumed = await runCommand("alkor-cluster", ["watcher", "continue", "--endpoint", endpoint]);
  t.is(resumed.code, 0, resumed.stderr);
  t.is(resumed.stdout, "The watcher is no longer paused.\n");
  t.is(jobs.pausedUntil, null);
  t.is((await runCommand("alkor-cluster", ["watcher", "info", "--endpoint", endpoint])).stdout, "The watcher is not paused.\n");
});

test("watcher pause fails with exit status 2, asking nothing of the agent, for a duration it cannot read", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  for (const duration of ["1y", "0", "soon", "1.5h"]) {
    const result = await runCommand("alkor-cluster", ["watcher", "pause", duration, "--endpoint", endpoint]);
    t.is(result.code, 2, duration);
    t.is(result.stderr, `error: command-argument value '${duration}' is invalid for argument 'duration'. Expected a duration such as 3600, 3600s, 30m, 1h, 2d or 1w.\n`, duration);
  }
  const missing = await runCommand("alkor-cluster", ["watcher", "pause", "--endpoint", endpoint]);
  t.is(missing.code, 2);
  t.is(jobs.pausedUntil, null);
});
