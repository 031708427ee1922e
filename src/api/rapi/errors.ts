import { AlkorError, HTTP_STATUS_BY_CODE } from "../../model/errors.js";

/**
 * Reason phrases and explanations by HTTP status, as Ganeti's RAPI daemon
 * sends them in its error bodies (they come from Python's http.server table;
 * see samples/GET_2_info_noauth.error.json).
 */
const STATUS_TEXTS: Readonly<Record<number, readonly [reason: string, explain: string]>> = {
  400: ["Bad Request", "Bad request syntax or unsupported method"],
  401: ["Unauthorized", "No permission -- see authorization schemes"],
  403: ["Forbidden", "Request forbidden -- authorization will not help"],
  404: ["Not Found", "Nothing matches the given URI"],
  405: ["Method Not Allowed", "Specified method is invalid for this resource"],
  408: ["Request Timeout", "Request timed out; try again later"],
  409: ["Conflict", "Request conflict"],
  413: ["Request Entity Too Large", "Entity is too large"],
  415: ["Unsupported Media Type", "Entity body in unsupported format"],
  431: ["Request Header Fields Too Large", "The server refused this request because the request header fields are too large"],
  500: ["Internal Server Error", "Server got itself in trouble"],
  503: ["Service Unavailable", "The server cannot process the request due to a high load"],
  504: ["Gateway Timeout", "The gateway server did not receive a timely response"],
};


/** An answer other than 200, with a sentence for the operator. */
export class RapiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "RapiError";
  }
}

/** RAPI's error body: `{code, message, explain}`, code being the HTTP status. */
export interface RapiErrorBody {
  code: number;
  message: string;
  explain: string;
}

export function errorBody(error: RapiError): RapiErrorBody {
  return { code: error.status, message: error.message || reasonPhrase(error.status), explain: STATUS_TEXTS[error.status]?.[1] ?? "" };
}

export function reasonPhrase(status: number): string {
  return STATUS_TEXTS[status]?.[0] ?? String(status);
}

/** Any failure as the answer to send: coded errors by their class, anything else as a 500 that does not leak its text. */
export function asRapiError(error: unknown): RapiError {
  if (error instanceof RapiError) return error;
  if (error instanceof AlkorError) return new RapiError(HTTP_STATUS_BY_CODE[error.code], error.message);
  return new RapiError(500, "The RAPI server failed to answer; the agent's log has the details.");
}

export function badRequest(message: string): RapiError {
  return new RapiError(400, message);
}

export function notFound(message: string): RapiError {
  return new RapiError(404, message);
}
