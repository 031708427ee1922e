import { z } from "zod";
import type { ErrorCode } from "../../model/errors.js";
import { NodeViewSchema } from "../../model/node.js";

/** The local control API's paths and bodies, shared by the agent's server and the CLI's client. */

export const NODES_PATH = "/v1/nodes";

export function nodePath(name: string): string {
  return `${NODES_PATH}/${encodeURIComponent(name)}`;
}

export const NodeListBodySchema = z.object({ nodes: z.array(NodeViewSchema) });
export type NodeListBody = z.infer<typeof NodeListBodySchema>;

/** The HTTP status each error code travels with; a Record so a new code cannot be forgotten. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  wrong_input: 400,
  unknown_entity: 404,
  already_exists: 409,
  wrong_state: 409,
  insufficient_resources: 409,
  // Both say "try again later" to a client.
  environment_error: 503,
  timeout: 504,
  internal_error: 500,
};

const ErrorCodeSchema = z.enum(Object.keys(HTTP_STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBodySchema = z.object({
  error: z.object({ code: ErrorCodeSchema, message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
