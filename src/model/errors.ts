/**
 * Errors that reach an operator or a peer carry a stable code and a sentence.
 * The codes follow Ganeti's error classes, so a client can tell whether a
 * retry makes sense (environment_error, timeout) or not (wrong_input, ...).
 */
export type ErrorCode =
  | "wrong_input"
  | "wrong_state"
  | "unknown_entity"
  | "already_exists"
  | "insufficient_resources"
  | "environment_error"
  | "timeout"
  | "internal_error";

/** The HTTP status each error code travels with, in the local API and the RAPI; a Record so a new code cannot be forgotten. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
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

export class AlkorError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AlkorError";
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Any thrown value as an AlkorError, keeping the original message. */
export function asAlkorError(error: unknown): AlkorError {
  if (error instanceof AlkorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AlkorError("internal_error", message);
}
