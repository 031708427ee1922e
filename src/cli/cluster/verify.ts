import type { Command } from "commander";
import { ClusterVerifyResultSchema } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";

type Problem = { severity: "error" | "warning" };

function count(problems: readonly Problem[], severity: Problem["severity"]): string {
  const n = problems.filter((problem) => problem.severity === severity).length;
  return `${n} ${severity}${n === 1 ? "" : "s"}`;
}

/** The last line of a verification that did not pass; the job's log has already said what is wrong. */
export function verificationFailure(problems: readonly Problem[]): string {
  return `Cluster verification failed: ${count(problems, "error")}, ${count(problems, "warning")}.`;
}

export function addClusterVerifyCommand(program: Command): void {
  const command = program
    .command("verify")
    .description("check the cluster's configuration and nodes, printing what is wrong; exit status 1 when errors are found");
  addJobOptions(command).action(async (options: JobOptions) => {
    const results = await runJob([{ OP_ID: "OP_CLUSTER_VERIFY" }], options);
    if (results === null) return;
    const verdict = opResult(ClusterVerifyResultSchema, results[0], "OP_CLUSTER_VERIFY");
    if (!verdict.passed) throw new AlkorError("wrong_state", verificationFailure(verdict.problems));
  });
}
