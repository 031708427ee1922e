import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { FakeJobQueue } from "../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "./fake-cluster-control.js";
import { runCommand } from "./run-cli.js";

function succeeding(): FakeJobQueue {
  return new FakeJobQueue({ script: () => ({ status: "success" }) });
}

test("alkor-cluster add-tags and remove-tags submit OP_TAGS_SET and OP_TAGS_DEL for the cluster and print only the job's log", async (t) => {
  const jobs = succeeding();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const added = await runCommand("alkor-cluster", ["add-tags", "owner:ops", "env:lab", "--endpoint", endpoint]);
  t.is(added.code, 0, added.stderr);
  t.is(added.stdout, "");
  const removed = await runCommand("alkor-cluster", ["remove-tags", "env:lab", "--endpoint", endpoint]);
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(jobs.submissions.map((submission) => submission.ops), [
    [{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["owner:ops", "env:lab"] }],
    [{ OP_ID: "OP_TAGS_DEL", kind: "cluster", tags: ["env:lab"] }],
  ]);
});

test("alkor-node add-tags names the node and also takes tags from a file, one per line", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-tags-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "tags");
  await writeFile(file, "rack:a1\n\n  owner:ops  \n");
  const jobs = succeeding();
  const result = await runCommand("alkor-node", ["add-tags", "node2", "new", "--from", file, "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_TAGS_SET", kind: "node", name: "node2", tags: ["new", "rack:a1", "owner:ops"] }]);
});

test("add-tags and remove-tags fail with exit status 2, submitting nothing, without tags, with an unreadable file or a bad node name", async (t) => {
  const jobs = succeeding();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const cases: Array<["alkor-cluster" | "alkor-node", string[], string]> = [
    ["alkor-cluster", ["add-tags"], "error: No tags to be added: give tags as arguments or with --from.\n"],
    ["alkor-node", ["remove-tags", "node2"], "error: No tags to be removed: give tags as arguments or with --from.\n"],
    ["alkor-cluster", ["add-tags", "--from", "/nonexistent/tags"], "error: Cannot read tags from /nonexistent/tags: ENOENT: no such file or directory, open '/nonexistent/tags'.\n"],
    ["alkor-node", ["add-tags", "node_2", "x"], "error: NODE: must be a host name (letters, digits, dots and dashes).\n"],
  ];
  for (const [command, args, stderr] of cases) {
    const result = await runCommand(command, [...args, "--endpoint", endpoint]);
    t.is(result.code, 2, args.join(" "));
    t.is(result.stderr, stderr, args.join(" "));
  }
  t.deepEqual(jobs.submissions, []);
});

test("list-tags prints the cluster's or a node's tags sorted, one per line", async (t) => {
  const cluster = new FakeClusterControl();
  const endpoint = await startClusterApi(t, cluster, new FakeJobQueue());
  const clusterTags = await runCommand("alkor-cluster", ["list-tags", "--endpoint", endpoint]);
  t.is(clusterTags.code, 0, clusterTags.stderr);
  t.is(clusterTags.stdout, "env:lab\nowner:ops\n");
  const nodeTags = await runCommand("alkor-node", ["list-tags", "node1", "--endpoint", endpoint]);
  t.is(nodeTags.stdout, "rack:a1\n");
  const none = await runCommand("alkor-node", ["list-tags", "node2", "--endpoint", endpoint]);
  t.is(none.code, 0, none.stderr);
  t.is(none.stdout, "");
  t.deepEqual(cluster.calls, [
    { operation: "tags", args: ["cluster"] },
    { operation: "tags", args: ["node", "node1"] },
    { operation: "tags", args: ["node", "node2"] },
  ]);
});

test("list-tags of a node the cluster does not have fails with exit status 1 and the agent's message", async (t) => {
  const result = await runCommand("alkor-node", ["list-tags", "node7", "--endpoint", await startClusterApi(t, new FakeClusterControl(), new FakeJobQueue())]);
  t.is(result.code, 1);
  t.is(result.stderr, "Node node7 is not a member of the cluster.\n");
});
