import type { Command } from "commander";
import { JobBodySchema, jobPath } from "../../api/local/contract.js";
import type { Job, JobOp } from "../../cluster/jobs/model.js";
import { addEndpointOption, addJsonOption, endpointOf, printJson, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { renderInfoEntries } from "../info-block.js";
import { parseJobIds } from "../jobs/job-options.js";
import { timestampText } from "../time-format.js";

/*
 * gnt-job info's layout (Ganeti's gnt_job.ShowJobs): every line indented by
 * two spaces per level, times with microseconds, deltas in seconds with six
 * decimals.
 */

function indent(level: number): string {
  return "  ".repeat(level);
}

function time(epochMs: number): string {
  return timestampText(epochMs, true);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(6);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

/** Ganeti's result_helper: a list as "[a, b]", anything else as text (an object as JSON). */
function resultItemText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (isScalar(item) ? String(item) : JSON.stringify(item))).join(", ")}]`;
  return isScalar(value) ? String(value) : JSON.stringify(value);
}

function inputLines(op: JobOp, level: number): string[] {
  const fields = Object.keys(op.input)
    .filter((key) => key !== "OP_ID")
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    // Ganeti joins a list of plain values with commas ("tags: a,b").
    .map((key) => {
      const value = op.input[key];
      return [key, Array.isArray(value) && value.every(isScalar) ? value.join(",") : value] as const;
    });
  return renderInfoEntries(Object.fromEntries(fields), indent(level));
}

function resultLines(result: unknown, level: number): string[] {
  const at = indent(level);
  if (result === null || result === undefined) return [`${at}No output data`];
  if (Array.isArray(result)) {
    if (result.length === 0) return [`${at}Result: empty sequence`];
    return [`${at}Result:`, ...result.map((item) => `${indent(level + 1)}${resultItemText(item)}`)];
  }
  if (typeof result === "object") {
    if (Object.keys(result).length === 0) return [`${at}Result: empty dictionary`];
    return [`${at}Result:`, ...renderInfoEntries(result as Record<string, unknown>, indent(level + 1))];
  }
  return [`${at}Result: ${String(result)}`];
}

function opLines(op: JobOp): string[] {
  return [
    `${indent(2)}${op.input.OP_ID}`,
    `${indent(3)}Status: ${op.status}`,
    `${indent(3)}${op.startedAt === null ? "No processing start time" : `Processing start: ${time(op.startedAt)}`}`,
    `${indent(3)}${op.execAt === null ? "No execution start time" : `Execution start:  ${time(op.execAt)}`}`,
    `${indent(3)}${op.endedAt === null ? "No processing end time" : `Processing end:   ${time(op.endedAt)}`}`,
    `${indent(3)}Input fields:`,
    ...inputLines(op, 4),
    ...resultLines(op.result, 3),
    `${indent(3)}Execution log:`,
    ...op.log.map((entry) => `${indent(4)}${entry.serial}:${time(entry.at)}:${entry.type} ${entry.message}`),
  ];
}

/** One job as gnt-job info shows it. */
export function formatJobInfo(job: Job): string[] {
  const { receivedAt, startedAt, endedAt } = job;
  const start = startedAt === null ? "unknown" : `${time(startedAt)} (delta ${seconds(startedAt - receivedAt)}s)`;
  const end = endedAt === null ? "unknown" : `${time(endedAt)}${startedAt === null ? "" : ` (delta ${seconds(endedAt - startedAt)}s)`}`;
  return [
    `Job ID: ${job.id}`,
    `${indent(1)}Status: ${job.status}`,
    `${indent(1)}Received:         ${time(receivedAt)}`,
    `${indent(1)}Processing start: ${start}`,
    `${indent(1)}Processing end:   ${end}`,
    `${indent(1)}Total processing time: ${endedAt === null ? "N/A" : `${seconds(endedAt - receivedAt)} seconds`}`,
    `${indent(1)}Opcodes:`,
    ...job.ops.flatMap(opLines),
  ];
}

export function addJobInfoCommand(program: Command): void {
  const command = program
    .command("info")
    .description("show jobs in detail: times, opcodes with their input, result and log")
    .argument("<ids...>", "the jobs");
  addJsonOption(addEndpointOption(command)).action(async (idTexts: string[], options: EndpointOptions & { json?: boolean }) => {
    const endpoint = endpointOf(options);
    const jobs = await Promise.all(parseJobIds(idTexts).map(async (id) => (await getJson(endpoint, jobPath(id), JobBodySchema)).job));
    if (options.json) printJson(jobs);
    // Ganeti separates jobs by an empty line.
    else printLines(jobs.flatMap((job, index) => (index === 0 ? formatJobInfo(job) : ["", ...formatJobInfo(job)])));
  });
}
