import test from "ava";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { ClusterCommand, ClusterState } from "../../../../src/cluster/state/schema.js";
import { clusterNode, clusterState, uuidOf } from "../fixtures.js";

const tagOp = { OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["a"] };

function apply(state: ClusterState, command: ClusterCommand): ClusterState {
  const outcome = applyCommand(state, command);
  if (outcome.refusal) throw new Error(outcome.refusal.message);
  return outcome.state;
}

function refusal(state: ClusterState, command: ClusterCommand) {
  const outcome = applyCommand(state, command);
  return outcome.refusal;
}

const base = () => clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2)]);
const submit = (ops: unknown[] = [tagOp]): ClusterCommand => ({ kind: "job.submit", ops: ops as never, priority: 0, submittedBy: "test", at: 1000 });

test("submitting numbers jobs from 1 and tells the proposer the id", (t) => {
  const first = applyCommand(base(), submit());
  t.deepEqual(first.refusal === null && first.result, { jobId: 1 });
  const second = applyCommand(first.state, submit());
  t.deepEqual(second.refusal === null && second.result, { jobId: 2 });
  t.is(second.state.jobs["2"]!.status, "queued");
  t.is(second.state.jobs["2"]!.ops[0]!.status, "queued");
});

test("a drained queue refuses new jobs with the manual's sentence", (t) => {
  const drained = apply(base(), { kind: "queue.modify", changes: { drained: true } });
  t.deepEqual(refusal(drained, submit()), { code: "wrong_state", message: "Job queue is drained, refusing job." });
});

test("an opcode's effects take hold with its end, all together, and the job succeeds after its last opcode", (t) => {
  let state = apply(base(), submit([tagOp, tagOp]));
  state = apply(state, { kind: "job.opEnd", id: 1, opIndex: 0, startedAt: 1001, at: 1002, outcome: { ok: true, result: null, effects: [{ kind: "tags.add", target: { kind: "cluster" }, tags: ["b", "a"] }] } });
  t.deepEqual(state.tags, ["a", "b"]);
  t.is(state.jobs["1"]!.status, "running");
  state = apply(state, { kind: "job.opEnd", id: 1, opIndex: 1, startedAt: 1003, at: 1004, outcome: { ok: true, result: 7, effects: [] } });
  t.is(state.jobs["1"]!.status, "success");
  t.is(state.jobs["1"]!.endedAt, 1004);
  t.deepEqual(state.jobs["1"]!.ops.map((op) => op.result), [null, 7]);
});

test("an opcode whose effect does not fit fails with the reason and changes nothing else", (t) => {
  let state = apply(base(), submit([tagOp, tagOp]));
  state = apply(state, {
    kind: "job.opEnd",
    id: 1,
    opIndex: 0,
    startedAt: 1001,
    at: 1002,
    outcome: {
      ok: true,
      result: null,
      effects: [
        { kind: "tags.add", target: { kind: "cluster" }, tags: ["kept-out"] },
        { kind: "tags.add", target: { kind: "node", uuid: uuidOf(9) }, tags: ["x"] },
      ],
    },
  });
  t.deepEqual(state.tags, [], "the first effect is undone with the second");
  const job = state.jobs["1"]!;
  t.is(job.status, "error");
  t.deepEqual(job.ops[0]!.result, { code: "unknown_entity", message: `No node with UUID ${uuidOf(9)} in the cluster.`, phase: "execution" });
  t.is(job.ops[1]!.status, "error", "the opcodes after a failed one do not run");
});

test("an opcode ends once: a second end, from an old master, is refused and applies nothing", (t) => {
  let state = apply(base(), submit());
  const end: ClusterCommand = { kind: "job.opEnd", id: 1, opIndex: 0, startedAt: 1001, at: 1002, outcome: { ok: true, result: null, effects: [{ kind: "tags.add", target: { kind: "cluster" }, tags: ["once"] }] } };
  state = apply(state, end);
  t.is(refusal(state, end)?.code, "wrong_state");
  t.deepEqual(state.tags, ["once"]);
});

test("a start marker is set once, and later opcodes wait for earlier ones", (t) => {
  let state = apply(base(), submit([tagOp, tagOp]));
  t.regex(refusal(state, { kind: "job.opStart", id: 1, opIndex: 1, at: 1001 })?.message ?? "", /cannot run before/);
  state = apply(state, { kind: "job.opStart", id: 1, opIndex: 0, at: 1001 });
  t.is(state.jobs["1"]!.status, "running");
  t.regex(refusal(state, { kind: "job.opStart", id: 1, opIndex: 0, at: 1002 })?.message ?? "", /already started/);
});

test("log entries get serials across the job's opcodes", (t) => {
  let state = apply(base(), submit([tagOp, tagOp]));
  state = apply(state, { kind: "job.log", id: 1, opIndex: 0, at: 1001, type: "message", message: "one" });
  state = apply(state, { kind: "job.opEnd", id: 1, opIndex: 0, startedAt: 1001, at: 1002, outcome: { ok: true, result: null, effects: [] } });
  state = apply(state, { kind: "job.log", id: 1, opIndex: 1, at: 1003, type: "message", message: "two" });
  const job = state.jobs["1"]!;
  t.is(job.logSerial, 2);
  t.deepEqual(job.ops.map((op) => op.log.map((entry) => [entry.serial, entry.message])), [[[1, "one"]], [[2, "two"]]]);
});

test("a queued or waiting job can be canceled; a running or ended one cannot", (t) => {
  let state = apply(base(), submit());
  state = apply(state, submit());
  state = apply(state, { kind: "job.waiting", id: 2 });
  state = apply(state, { kind: "job.cancel", id: 1, at: 2000 });
  state = apply(state, { kind: "job.cancel", id: 2, at: 2000 });
  t.deepEqual([state.jobs["1"]!.status, state.jobs["2"]!.status], ["canceled", "canceled"]);
  t.regex(refusal(state, { kind: "job.cancel", id: 1, at: 2001 })?.message ?? "", /already ended \(canceled\)/);
  state = apply(state, submit());
  state = apply(state, { kind: "job.opStart", id: 3, opIndex: 0, at: 2002 });
  t.regex(refusal(state, { kind: "job.cancel", id: 3, at: 2003 })?.message ?? "", /already running/);
});

test("only ended jobs are archived, and an archived job is gone", (t) => {
  let state = apply(base(), submit());
  state = apply(state, submit());
  state = apply(state, { kind: "job.cancel", id: 1, at: 2000 });
  t.regex(refusal(state, { kind: "job.archive", ids: [1, 2] })?.message ?? "", /Job 2 has not ended/);
  state = apply(state, { kind: "job.archive", ids: [1] });
  t.deepEqual(Object.keys(state.jobs), ["2"]);
  t.is(refusal(state, { kind: "job.cancel", id: 1, at: 2001 })?.code, "unknown_entity");
});

test("tags stay sorted and unique; removing a tag that is not there names it", (t) => {
  let state = apply(base(), { kind: "tags.add", target: { kind: "node", uuid: uuidOf(2) }, tags: ["z", "a", "z"] });
  t.deepEqual(state.nodes[uuidOf(2)]!.tags, ["a", "z"]);
  t.deepEqual(refusal(state, { kind: "tags.remove", target: { kind: "node", uuid: uuidOf(2) }, tags: ["a", "q"] }), { code: "unknown_entity", message: "Tag(s) 'q' not found." });
  state = apply(state, { kind: "tags.remove", target: { kind: "node", uuid: uuidOf(2) }, tags: ["a"] });
  t.deepEqual(state.nodes[uuidOf(2)]!.tags, ["z"]);
});
