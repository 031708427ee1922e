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
