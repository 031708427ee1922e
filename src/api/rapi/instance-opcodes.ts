import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { badRequest } from "./errors.js";

/**
 * The opcodes of the instance resources, built as rlib2 builds them
 * (baserlib.FillOpcode): the body's parameters, some renamed, beside the
 * static ones that come from the path and the query string. The job queue
 * checks every parameter against the opcode's definition and answers
 * wrong_input naming the one that is wrong.
 */

/** Ganeti's version field of instance creation requests (rlib2's _REQ_DATA_VERSION). */
export const REQUEST_VERSION_FIELD = "__version__";

/** The feature string Ganeti's client checks before it sends a version 1 creation request. */
export const INSTANCE_CREATE_REQV1 = "instance-create-reqv1";

/** A request body as a JSON object (Ganeti's CheckType(body, dict, "Body contents")); no body is an empty one. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(`Body contents: a JSON object is expected, not ${Array.isArray(body) ? "a list" : JSON.stringify(body)?.slice(0, 64)}.`);
  }
  return body as Record<string, unknown>;
}

/**
 * rlib2's FillOpcode: the body's parameters, renamed as `rename` says, then
 * the static ones, which the body may not set. A static parameter whose
 * value is undefined (dry_run when not asked for) is left out of the
 * opcode, and still may not come from the body.
 */
export function fillOpcode(OP_ID: string, body: unknown, statics: Readonly<Record<string, unknown>>, rename: Readonly<Record<string, string>> = {}): OpcodeInput {
  const params: Record<string, unknown> = { ...bodyObject(body) };
  for (const [old, renamed] of Object.entries(rename)) {
    if (!Object.hasOwn(params, old)) continue;
    if (Object.hasOwn(params, renamed)) throw badRequest(`Parameter '${old}' was renamed to '${renamed}', but both are specified.`);
    params[renamed] = params[old];
    delete params[old];
  }
  const overwritten = ["OP_ID", ...Object.keys(statics)].filter((key) => Object.hasOwn(params, key));
  if (overwritten.length > 0) {
    throw badRequest(`Can't overwrite static parameters: ${overwritten.join(", ")} (they come from the path or the query string).`);
  }
  const fixed = Object.fromEntries(Object.entries(statics).filter(([, value]) => value !== undefined));
  return { OP_ID, ...fixed, ...params };
}

/** `dry_run: true` when the `dry-run` query parameter asks for it; otherwise left out, as alkor's other writes do. */
export function dryRunStatic(dryRun: boolean): true | undefined {
  return dryRun ? true : undefined;
}

/**
 * OP_INSTANCE_CREATE from POST /2/instances: a version 1 request (Ganeti no
 * longer takes version 0), its `name` and `os` renamed to instance_name and
 * os_type as rlib2 does.
 */
export function instanceCreateOpcode(body: unknown, dryRun: boolean): OpcodeInput {
  const data = bodyObject(body);
  const version = Object.hasOwn(data, REQUEST_VERSION_FIELD) ? data[REQUEST_VERSION_FIELD] : 0;
  if (version === 0) throw badRequest(`Instance creation request version 0 is no longer supported; send ${REQUEST_VERSION_FIELD}: 1 with the opcode's parameters.`);
  if (version !== 1) throw badRequest(`Unsupported request data version ${JSON.stringify(version)?.slice(0, 64)} in ${REQUEST_VERSION_FIELD}; alkor takes version 1.`);
  const { [REQUEST_VERSION_FIELD]: _version, ...params } = data;
  return fillOpcode("OP_INSTANCE_CREATE", params, { dry_run: dryRunStatic(dryRun) }, { os: "os_type", name: "instance_name" });
}

/** Ganeti's reboot types (constants.REBOOT_TYPES); hard when the `type` query parameter is not given. */
const REBOOT_TYPES = ["soft", "hard", "full"];

export function rebootType(type: string | undefined): string {
  if (type === undefined) return "hard";
  if (!REBOOT_TYPES.includes(type)) throw badRequest(`Invalid value for the 'type' parameter: ${JSON.stringify(type.slice(0, 64))}; it is ${REBOOT_TYPES.join(", ")}.`);
  return type;
}
