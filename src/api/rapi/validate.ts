import type { z } from "zod";
import { badRequest } from "./errors.js";

/** A request body checked against its schema, or a 400 naming every problem. */
export function validBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  throw badRequest(`Invalid body for ${what}: ${problems.join("; ")}.`);
}
