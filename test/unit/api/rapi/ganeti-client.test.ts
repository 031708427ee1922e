import test from "ava";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ADMIN, startTestRapi } from "./harness.js";

const execFileAsync = promisify(execFile);

/** Debian's python3-ganeti-rapi; where it is not installed this test is skipped (it needs no network of its own). */
const GANETI_CLIENT = "/usr/lib/python3/dist-packages/ganeti/rapi/client.py";
const script = join(process.cwd(), "test", "unit", "api", "rapi", "ganeti-client.py");

(existsSync(GANETI_CLIENT) ? test : test.skip)("Ganeti's own RAPI client works unchanged against alkor's RAPI", async (t) => {
  const rapi = await startTestRapi();
  t.teardown(rapi.close);
  const [host, port] = rapi.server.address().split(":");
  const { stdout } = await execFileAsync("/usr/bin/python3", [script, host!, port!, ADMIN.user, ADMIN.password], { timeout: 60_000 });
  const out = JSON.parse(stdout) as Record<string, unknown>;
  t.is(out.version, 2);
  t.deepEqual(out.features, ["instance-create-reqv1"]);
  t.like(out.info, { name: "cluster.alkor.test", master: "node1.alkor.test", software_version: "0.1.0" });
  t.deepEqual(out.nodes, ["node1.alkor.test", "node2.alkor.test", "node3.alkor.test", "node4.alkor.test"]);
  t.is((out.nodes_bulk as unknown[]).length, 4);
  t.like(out.node, { name: "node2.alkor.test", role: "C", master_candidate: true });
  t.is(out.node_role, "master");
  t.deepEqual(out.jobs, [1, 2, 3]);
  t.like((out.jobs_bulk as unknown[])[1], { id: 2, status: "error" });
  t.like(out.job_status, { id: 2, status: "error", opresult: [["OpPrereqError", ["Tag tag2 is already set on the cluster", "already_exists"]]] });
  t.deepEqual(out.wait_first, { job_info: ["queued"], log_entries: [] });
  t.deepEqual(out.wait_ended, { job_info: ["success"], log_entries: [] });
  t.is(out.add_tags, 100);
  t.deepEqual(out.cluster_tags, ["benchtag"]);
  t.is(out.delete_tags, 101);
  t.is(out.add_node_tags, 102);
  t.is(out.set_role, 103);
  t.deepEqual((out.query as { data: unknown }).data, [[[0, "node1.alkor.test"], [0, "M"]]]);
  t.deepEqual((out.query_fields as { fields: Array<{ name: string }> }).fields.map((field) => field.name), ["id", "status"]);
  t.deepEqual(out.cancel, [true, "Job 3 canceled."]);
  t.deepEqual((out.missing_node as unknown[])[0], 404);
  t.deepEqual(
    rapi.backend.writes.filter((write) => write.call === "submit").map((write) => write.args[0]),
    [
      [{ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["rapi1", "rapi2"], dry_run: true }],
      [{ OP_ID: "OP_TAGS_DEL", kind: "cluster", tags: ["benchtag"] }],
      [{ OP_ID: "OP_TAGS_SET", kind: "node", name: "node2.alkor.test", tags: ["rack:b"] }],
      [{ OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2.alkor.test", drained: true, force: true }],
    ],
  );
});
