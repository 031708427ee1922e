import test from "ava";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "../fake-cluster-control.js";
import { runCommand } from "../run-cli.js";

function searchFinding(matches: unknown): FakeJobQueue {
  return new FakeJobQueue({ script: () => ({ status: "success", results: [matches] }) });
}

test("prints the matching tags as sorted 'path tag' lines, as gnt-cluster search-tags does", async (t) => {
  const jobs = searchFinding([["/nodes/node1", "owner:ops"], ["/cluster", "owner:lab"], ["/cluster", "owner:it"]]);
  const result = await runCommand("alkor-cluster", ["search-tags", "^owner:", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "/cluster owner:it\n/cluster owner:lab\n/nodes/node1 owner:ops\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_TAGS_SEARCH", pattern: "^owner:" }]);
});

test("exits with status 1 when no tag matches", async (t) => {
  const result = await runCommand("alkor-cluster", ["search-tags", "^nobody", "--endpoint", await startClusterApi(t, new FakeClusterControl(), searchFinding([]))]);
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, 'No tag matches "^nobody".\n');
});

test("says so when the result is not the [path, tag] pairs it expects", async (t) => {
  const result = await runCommand("alkor-cluster", ["search-tags", "x", "--endpoint", await startClusterApi(t, new FakeClusterControl(), searchFinding({ "/cluster": ["x"] }))]);
  t.is(result.code, 1);
  t.is(result.stderr, "The result of OP_TAGS_SEARCH is not in the expected form. Are alkord and the CLI the same version?\n");
});
