import test from "ava";
import { renderMetrics } from "../../../../src/api/rapi/metrics.js";
import { nodeRows } from "../../../../src/api/rapi/node-fields.js";
import { sampleJob, sampleState, sampleViews } from "./fake-backend.js";

function metrics(mutate: (state: ReturnType<typeof sampleState>) => void = () => {}): string[] {
  const state = sampleState();
  mutate(state);
  return renderMetrics(state, nodeRows(state, "node1.alkor.test", sampleViews())).split("\n");
}

test("every family has HELP and TYPE lines and the text ends with a line feed", (t) => {
  const lines = metrics();
  t.is(lines.at(-1), "");
  for (const family of ["alkor_jobs", "alkor_job_queue_depth", "alkor_job_queue_drained", "alkor_opcode_duration_seconds", "alkor_nodes", "alkor_nodes_by_role", "alkor_node_drained"]) {
    t.true(lines.some((line) => line.startsWith(`# HELP ${family} `)), family);
    t.true(lines.some((line) => line.startsWith(`# TYPE ${family} `)), family);
  }
  for (const line of lines.filter((text) => text !== "" && !text.startsWith("#"))) t.regex(line, /^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$/);
});

test("counts jobs by status, every status listed, and the queue depth", (t) => {
  const lines = metrics((state) => {
    state.jobs["4"] = sampleJob(4, "waiting");
    state.queue.drained = true;
  });
  t.true(lines.includes('alkor_jobs{status="success"} 1'));
  t.true(lines.includes('alkor_jobs{status="error"} 1'));
  t.true(lines.includes('alkor_jobs{status="queued"} 1'));
  t.true(lines.includes('alkor_jobs{status="canceling"} 0'));
  t.true(lines.includes("alkor_job_queue_depth 2"));
  t.true(lines.includes("alkor_job_queue_drained 1"));
});

test("builds a cumulative histogram of the ended opcodes' run times", (t) => {
  const lines = metrics();
  // Jobs 1 and 2 each ran their OP_TAGS_SET for 250 ms; job 3 is still queued.
  t.true(lines.includes('alkor_opcode_duration_seconds_bucket{opcode="OP_TAGS_SET",le="0.1"} 0'));
  t.true(lines.includes('alkor_opcode_duration_seconds_bucket{opcode="OP_TAGS_SET",le="0.25"} 2'));
  t.true(lines.includes('alkor_opcode_duration_seconds_bucket{opcode="OP_TAGS_SET",le="+Inf"} 2'));
  t.true(lines.includes('alkor_opcode_duration_seconds_sum{opcode="OP_TAGS_SET"} 0.5'));
  t.true(lines.includes('alkor_opcode_duration_seconds_count{opcode="OP_TAGS_SET"} 2'));
});

test("counts nodes by liveness and by role, and shows each node's drained flag", (t) => {
  const lines = metrics();
  t.true(lines.includes('alkor_nodes{liveness="alive"} 1'));
  t.true(lines.includes('alkor_nodes{liveness="suspect"} 1'));
  t.true(lines.includes('alkor_nodes{liveness="dead"} 2'), "node3 is dead, node4 never heard");
  t.true(lines.includes('alkor_nodes_by_role{role="master"} 1'));
  t.true(lines.includes('alkor_nodes_by_role{role="candidate"} 1'));
  t.true(lines.includes('alkor_nodes_by_role{role="regular"} 0'));
  t.true(lines.includes('alkor_node_drained{node="node3.alkor.test"} 1'));
  t.true(lines.includes('alkor_node_drained{node="node1.alkor.test"} 0'));
});

test("escapes backslashes, quotes and line feeds in label values", (t) => {
  const lines = metrics((state) => {
    state.jobs["1"]!.ops[0]!.input.OP_ID = 'OP_"ODD"\\\n';
  });
  t.true(lines.includes('alkor_opcode_duration_seconds_count{opcode="OP_\\"ODD\\"\\\\\\n"} 1'));
});
