import type { Command } from "commander";
import { JOBS_ARCHIVE_PATH, JobArchiveBodySchema } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { parseJobIds } from "../jobs/job-options.js";
import { parseDuration } from "../options.js";

/** autoarchive's AGE: a duration, or "all" for every ended job (Ganeti's). */
function parseAge(value: string): number {
  return value === "all" ? 0 : parseDuration(value);
}

export function addJobArchiveCommands(program: Command): void {
  const archive = program
    .command("archive")
    .description("archive ended jobs now: they leave the job list")
    .argument("<ids...>", "the jobs");
  addEndpointOption(archive).action(async (idTexts: string[], options: EndpointOptions) => {
    const ids = parseJobIds(idTexts);
    const { archived } = await requestJson(endpointOf(options), "POST", JOBS_ARCHIVE_PATH, JobArchiveBodySchema, { ids });
    const left = ids.filter((id) => !archived.includes(id));
    if (left.length > 0) {
      throw new AlkorError("wrong_state", left.map((id) => `Job ${id} was not archived: it has not ended, or is not known.`).join("\n"));
    }
  });
  const autoarchive = program
    .command("autoarchive")
    .description("archive every job that ended longer ago than AGE")
    .argument("<age>", "a duration (3600, 30m, 1h, 2d, 1w), or all", parseAge);
  addEndpointOption(autoarchive).action(async (olderThanMs: number, options: EndpointOptions) => {
    const { archived } = await requestJson(endpointOf(options), "POST", JOBS_ARCHIVE_PATH, JobArchiveBodySchema, { olderThanMs });
    printLines([`Archived ${archived.length} job${archived.length === 1 ? "" : "s"}.`]);
  });
}
