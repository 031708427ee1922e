import test from "ava";
import { jobFailure } from "../../../../src/cli/jobs/failure.js";
import { FakeJobQueue, queuedJob, T0 } from "../../api/local/fake-job-queue.js";

const OPS = [{ OP_ID: "OP_NODE_ADD", node_name: "node4" }, { OP_ID: "OP_TAGS_SET", kind: "node", name: "node4", tags: ["new"] }];

function failedJob(code: string, message: string, phase: "prerequisites" | "execution", opIndex = 0) {
  const queue = new FakeJobQueue();
  queue.seed(queuedJob(1, OPS, T0));
  queue.finish(1, { status: "error", error: { code, message, phase }, opIndex });
  return queue.job(1);
}

test("a refused prerequisite reads as Ganeti's OpPrereqError, naming the error class", (t) => {
  const failure = jobFailure(failedJob("already_exists", "Node node4 is already a member of cluster lab.", "prerequisites"));
  t.is(failure.code, "already_exists");
  t.is(failure.message, "Failure: prerequisites not met for this operation:\nerror type: already_exists, error details:\nNode node4 is already a member of cluster lab.");
});

test("a failure of the opcode's steps reads as Ganeti's OpExecError, whatever its class", (t) => {
  const failure = jobFailure(failedJob("timeout", "node4 did not answer within 10 s.", "execution", 1));
  t.is(failure.code, "timeout");
  t.is(failure.message, "Failure: command execution error:\nnode4 did not answer within 10 s.");
  t.is(jobFailure(failedJob("wrong_state", "The master changed.", "execution")).message, "Failure: command execution error:\nThe master changed.");
});

test("an error class the CLI does not know is still shown, as an internal error", (t) => {
  const failure = jobFailure(failedJob("resolver_error", "node9 does not resolve.", "execution"));
  t.is(failure.code, "internal_error");
  t.is(failure.message, "Failure: command execution error:\nnode9 does not resolve.");
});

test("a canceled job reads as Ganeti's", (t) => {
  const queue = new FakeJobQueue();
  queue.seed(queuedJob(1, OPS, T0));
  void queue.cancel(1);
  t.is(jobFailure(queue.job(1)).message, "Failure: command execution error:\nJob was canceled");
});

test("an opcode error that is not in the agreed form is shown as it is", (t) => {
  const queue = new FakeJobQueue();
  queue.seed(queuedJob(1, OPS, T0));
  queue.finish(1, { status: "error", error: { oops: true } as never });
  t.is(jobFailure(queue.job(1)).message, 'Failure: command execution error:\n{"oops":true}');
});
