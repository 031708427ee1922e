import type { Command } from "commander";
import { JobBodySchema, jobCancelPath } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { parseJobIds } from "../jobs/job-options.js";

export function addJobCancelCommand(program: Command): void {
  const command = program
    .command("cancel")
    .description("cancel jobs that have not started running")
    .argument("<ids...>", "the jobs");
  addEndpointOption(command).action(async (idTexts: string[], options: EndpointOptions) => {
    const endpoint = endpointOf(options);
    const refusals: AlkorError[] = [];
    for (const id of parseJobIds(idTexts)) {
      try {
        const { job } = await requestJson(endpoint, "POST", jobCancelPath(id), JobBodySchema);
        // Ganeti's answers: a queued job ends at once, one waiting for locks when it next looks.
        printLines([job.status === "canceled" ? `Job ${id} canceled` : `Job ${id} will be canceled`]);
      } catch (error) {
        // A job that runs or has ended, or is unknown, does not stop the others being canceled.
        if (!(error instanceof AlkorError && (error.code === "wrong_state" || error.code === "unknown_entity"))) throw error;
        refusals.push(error);
      }
    }
    if (refusals.length > 0) throw new AlkorError(refusals[0]!.code, refusals.map((refusal) => refusal.message).join("\n"));
  });
}
