import test from "ava";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "../fake-cluster-control.js";
import { runCommand } from "../run-cli.js";

test("queue info says whether the drain flag is set, in the manual's words", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const unset = await runCommand("alkor-cluster", ["queue", "info", "--endpoint", endpoint]);
  t.is(unset.code, 0, unset.stderr);
  t.is(unset.stdout, "The drain flag is unset\n");
  jobs.drained = true;
  t.is((await runCommand("alkor-cluster", ["queue", "info", "--endpoint", endpoint])).stdout, "The drain flag is set\n");
});

test("queue drain and undrain set and clear the flag and print nothing, as in the manual", async (t) => {
  const jobs = new FakeJobQueue();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const drain = await runCommand("alkor-cluster", ["queue", "drain", "--endpoint", endpoint]);
  t.is(drain.code, 0, drain.stderr);
  t.is(drain.stdout, "");
  t.true(jobs.drained);
  const undrain = await runCommand("alkor-cluster", ["queue", "undrain", "--endpoint", endpoint]);
  t.is(undrain.code, 0, undrain.stderr);
  t.false(jobs.drained);
});

test("queue info --json prints the queue's counts too", async (t) => {
  const result = await runCommand("alkor-cluster", ["queue", "info", "--json", "--endpoint", await startClusterApi(t, new FakeClusterControl(), new FakeJobQueue())]);
  t.is(result.code, 0, result.stderr);
  t.like(JSON.parse(result.stdout), { drained: false, counts: { queued: 0, running: 0 } });
});

test("queue without a known action fails with exit status 2", async (t) => {
  for (const args of [["queue", "flush"], ["queue"]]) {
    const result = await runCommand("alkor-cluster", args);
    t.is(result.code, 2, args.join(" "));
    t.not(result.stderr, "", args.join(" "));
  }
});
