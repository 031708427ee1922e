import test from "ava";
import { jobSummary, opSummary } from "../../../../src/cluster/jobs/summary.js";
import { queuedJob, T0 } from "../../api/local/fake-job-queue.js";

test("summarises an opcode as Ganeti does: OP_ID without OP_, with the object it acts on", (t) => {
  t.is(opSummary({ OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", drained: true }), "NODE_SET_PARAMS(node2)");
  t.is(opSummary({ OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["a"] }), "TAGS_SET(cluster)");
  t.is(opSummary({ OP_ID: "OP_TAGS_DEL", kind: "node", name: "node3", tags: ["a"] }), "TAGS_DEL(node3)");
  t.is(opSummary({ OP_ID: "OP_TAGS_SEARCH", pattern: "^owner:" }), "TAGS_SEARCH(^owner:)");
  t.is(opSummary({ OP_ID: "OP_CLUSTER_VERIFY" }), "CLUSTER_VERIFY");
});

test("prints a delay's duration as the float Ganeti has", (t) => {
  t.is(opSummary({ OP_ID: "OP_TEST_DELAY", duration: 2 }), "TEST_DELAY(2.0)");
  t.is(opSummary({ OP_ID: "OP_TEST_DELAY", duration: 0.25 }), "TEST_DELAY(0.25)");
});

test("joins a job's opcode summaries with commas", (t) => {
  const job = queuedJob(1, [{ OP_ID: "OP_NODE_ADD", node_name: "node4" }, { OP_ID: "OP_TAGS_SET", kind: "node", name: "node4", tags: ["new"] }], T0);
  t.is(jobSummary(job), "NODE_ADD(node4),TAGS_SET(node4)");
});
