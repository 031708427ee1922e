import type { z } from "zod";
import { AlkorError } from "../../model/errors.js";

/**
 * Parses a tool's JSON report against the schema of the fields alkor reads.
 * A mismatch names each bad field, so an operator (or a contract test on a
 * new tool version) sees what changed, not just that something did.
 */
export function parseToolJson<Schema extends z.ZodType>(schema: Schema, stdout: string, command: string): z.infer<Schema> {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch (error) {
    throw unreadableOutput(command, `it is not JSON (${(error as Error).message})`);
  }
  const result = schema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
    throw unreadableOutput(command, problems.join("; "));
  }
  return result.data;
}

export function unreadableOutput(command: string, why: string): AlkorError {
  return new AlkorError("environment_error", `The output of "${command}" cannot be read: ${why}.`, { command });
}

/** Whether a failed Exec run's message (which carries the tool's stderr) matches. */
export function toolSaid(error: unknown, message: RegExp): boolean {
  return error instanceof AlkorError && error.code === "environment_error" && message.test(error.message);
}

/** A decimal count as LVM prints it in JSON reports (a string, e.g. "67108864"). */
export function decimalCount(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
