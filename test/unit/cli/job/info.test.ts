import test from "ava";
import { formatJobInfo } from "../../../../src/cli/job/info.js";
import type { Job } from "../../../../src/cluster/jobs/model.js";
import { queuedJob, T0 } from "../../api/local/fake-job-queue.js";

// The commands print local time, as Ganeti's do; this worker runs in UTC so the expectations hold on any machine.
process.env.TZ = "UTC";

const ENDED: Job = {
  id: 7,
  priority: 0,
  status: "error",
  receivedAt: T0,
  startedAt: T0 + 250,
  endedAt: T0 + 2_750,
  submittedBy: "cli",
  logSerial: 2,
  ops: [
    {
      input: { OP_ID: "OP_TAGS_SET", kind: "node", name: "node2", tags: ["rack:a1", "owner:ops"] },
      status: "success",
      result: [["/nodes/node2", "rack:a1"]],
      startedAt: T0 + 250,
      execAt: T0 + 500,
      endedAt: T0 + 1_000,
      log: [{ serial: 1, at: T0 + 750, type: "message", message: "Tagging node2." }],
    },
    {
      input: { OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", offline: true, force: false },
      status: "error",
      result: { code: "wrong_state", message: "Node node2 is the master." },
      startedAt: T0 + 1_000,
      execAt: null,
      endedAt: T0 + 2_750,
      log: [{ serial: 2, at: T0 + 2_000, type: "message", message: "- WARNING: checking node2" }],
    },
  ],
};

test("shows a job as gnt-job info does: times with deltas, then each opcode's input, result and log", (t) => {
  t.deepEqual(formatJobInfo(ENDED), [
    "Job ID: 7",
    "  Status: error",
    "  Received:         2026-11-24 14:00:00.000000",
    "  Processing start: 2026-11-24 14:00:00.250000 (delta 0.250000s)",
    "  Processing end:   2026-11-24 14:00:02.750000 (delta 2.500000s)",
    "  Total processing time: 2.750000 seconds",
    "  Opcodes:",
    "    OP_TAGS_SET",
    "      Status: success",
    "      Processing start: 2026-11-24 14:00:00.250000",
    "      Execution start:  2026-11-24 14:00:00.500000",
    "      Processing end:   2026-11-24 14:00:01.000000",
    "      Input fields:",
    "        kind: node",
    "        name: node2",
    "        tags: rack:a1,owner:ops",
    "      Result:",
    "        [/nodes/node2, rack:a1]",
    "      Execution log:",
    "        1:2026-11-24 14:00:00.750000:message Tagging node2.",
    "    OP_NODE_SET_PARAMS",
    "      Status: error",
    "      Processing start: 2026-11-24 14:00:01.000000",
    "      No execution start time",
    "      Processing end:   2026-11-24 14:00:02.750000",
    "      Input fields:",
    "        force: false",
    "        node_name: node2",
    "        offline: true",
    "      Result:",
    "        code: wrong_state",
    "        message: Node node2 is the master.",
    "      Execution log:",
    "        2:2026-11-24 14:00:02.000000:message - WARNING: checking node2",
  ]);
});

test("says what a queued job has not reached yet, and that it has no output", (t) => {
  const lines = formatJobInfo(queuedJob(8, [{ OP_ID: "OP_CLUSTER_VERIFY" }], T0));
  t.deepEqual(lines.slice(3, 6), ["  Processing start: unknown", "  Processing end:   unknown", "  Total processing time: N/A"]);
  t.deepEqual(lines.slice(9), [
    "      No processing start time",
    "      No execution start time",
    "      No processing end time",
    "      Input fields:",
    "      No output data",
    "      Execution log:",
  ]);
});

test("names empty results as Ganeti does and prints a plain result on its line", (t) => {
  const op = ENDED.ops[0]!;
  const resultLine = (result: unknown) => formatJobInfo({ ...ENDED, ops: [{ ...op, result }] }).find((line) => line.includes("Result"));
  t.is(resultLine([]), "      Result: empty sequence");
  t.is(resultLine({}), "      Result: empty dictionary");
  t.is(resultLine("done"), "      Result: done");
});
