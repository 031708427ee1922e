import type { Command } from "commander";
import { TagsSearchResultSchema } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import { printLines } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";

export function addClusterSearchTagsCommand(program: Command): void {
  const command = program
    .command("search-tags")
    .description("find the tags of the cluster and its nodes that match a regular expression; exit status 1 when none does")
    .argument("<pattern>", "a regular expression");
  addJobOptions(command).action(async (pattern: string, options: JobOptions) => {
    const results = await runJob([{ OP_ID: "OP_TAGS_SEARCH", pattern }], options);
    if (results === null) return;
    const matches = opResult(TagsSearchResultSchema, results[0], "OP_TAGS_SEARCH");
    if (matches.length === 0) throw new AlkorError("unknown_entity", `No tag matches ${JSON.stringify(pattern)}.`);
    // gnt-cluster search-tags: "path tag" lines, sorted.
    const lines = matches.map(([path, tag]) => `${path} ${tag}`);
    printLines(lines.toSorted());
  });
}
