import { InvalidArgumentError, type Command } from "commander";
import { JOB_PRIORITY_MAX, JOB_PRIORITY_MIN } from "../../cluster/jobs/model.js";
import { addEndpointOption, UsageError, type EndpointOptions } from "../common.js";

/** The options of every command that submits a job, as Ganeti's: --submit and --priority. */
export interface JobOptions extends EndpointOptions {
  submit?: boolean;
  priority?: number;
}

/** Ganeti's --priority names (constants.OP_PRIO_LOW, _NORMAL, _HIGH); a lower number runs first. */
const PRIORITY_NAMES: Readonly<Record<string, number>> = { low: 10, normal: 0, high: -10 };

/** --priority: low, normal, high, or a number from -20 (first) to 19 (last). */
export function parsePriority(value: string): number {
  if (Object.hasOwn(PRIORITY_NAMES, value)) return PRIORITY_NAMES[value]!;
  const priority = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (priority >= JOB_PRIORITY_MIN && priority <= JOB_PRIORITY_MAX) return priority;
  throw new InvalidArgumentError(`Expected low, normal, high or an integer from ${JOB_PRIORITY_MIN} to ${JOB_PRIORITY_MAX}.`);
}

export function addJobOptions(command: Command): Command {
  return addEndpointOption(command)
    .option("--submit", "submit the job, print its ID and return without waiting for it (follow it with alkor-job watch)")
    .option("--priority <priority>", "the job's priority: low, normal, high, or -20 (first) to 19 (last)", parsePriority);
}

/** Job IDs given as arguments, checked before anything is asked of the agent. */
export function parseJobIds(texts: readonly string[]): number[] {
  return texts.map((text) => {
    const id = Number(text);
    if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(id)) throw new UsageError(`Invalid job ID ${JSON.stringify(text)}: expected a positive integer.`);
    return id;
  });
}
