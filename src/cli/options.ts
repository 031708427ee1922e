import { InvalidArgumentError } from "commander";
import type { z } from "zod";
import { UsageError } from "./common.js";

/*
 * Option values parsed on the command line, so that a mistake is a usage
 * error (exit status 2) before anything is sent to the agent.
 */

/** The yes|no values of Ganeti's flag options (`-C yes`). */
export function parseYesNo(value: string): boolean {
  if (value === "yes") return true;
  if (value === "no") return false;
  throw new InvalidArgumentError("Expected yes or no.");
}

export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError("Expected an integer.");
  return Number(value);
}

/**
 * Checks a request against the API's own schema, naming the offending
 * option (labels maps a field's path to it) instead of the request field.
 */
export function checkRequest<T>(schema: z.ZodType<T>, request: unknown, labels: Readonly<Record<string, string>>): T {
  const result = schema.safeParse(request);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.join(".");
    return `${labels[field] ?? field}: ${issue.message}`;
  });
  throw new UsageError(`${problems.join("; ")}.`);
}

/** Ganeti's ParseTimespec suffixes: seconds, minutes, hours, days, weeks. */
const DURATION_UNITS_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration as Ganeti's timespecs write it: 3600, 3600s, 30m, 1h, 2d or 1w; in milliseconds, more than 0. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([smhdw]?)$/.exec(value);
  const ms = match === null ? 0 : Number(match[1]) * DURATION_UNITS_MS[match[2] || "s"]!;
  if (ms > 0 && Number.isSafeInteger(ms)) return ms;
  throw new InvalidArgumentError("Expected a duration such as 3600, 3600s, 30m, 1h, 2d or 1w.");
}
