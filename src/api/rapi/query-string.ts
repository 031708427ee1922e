import { badRequest } from "./errors.js";

/**
 * How an endpoint reads a query parameter: `flag` is 0 or 1 (Ganeti's
 * client sends booleans so), `text` one string, `list` a parameter that may
 * repeat (`tag=a&tag=b`).
 */
export type QueryParamKind = "flag" | "text" | "list";
export type QuerySpec = Readonly<Record<string, QueryParamKind>>;

/** Ganeti's client adds `reason` (for its jobs' reason trail) to most calls; it is taken everywhere, and unused: alkor's jobs keep no reason trail. */
const COMMON_PARAMS: QuerySpec = { reason: "text" };
const MAX_TEXT_LENGTH = 1024;

/** A query string that passed its endpoint's spec. */
export class QueryArgs {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  flag(name: string): boolean {
    return this.values.get(name)?.[0] === "1";
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  text(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  list(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }
}

/**
 * Parses a query string (form encoding, as Python's urlencode writes it)
 * strictly: malformed escapes, parameters the endpoint does not take, a
 * flag other than 0 or 1 and a repeated single parameter are refused,
 * naming the parameter.
 */
export function parseQueryString(raw: string, spec: QuerySpec, where: string): QueryArgs {
  const allowed: QuerySpec = { ...COMMON_PARAMS, ...spec };
  const values = new Map<string, string[]>();
  for (const piece of raw.split("&")) {
    if (piece === "") continue;
    const equals = piece.indexOf("=");
    const name = decodeComponent(equals < 0 ? piece : piece.slice(0, equals));
    const value = equals < 0 ? "" : decodeComponent(piece.slice(equals + 1));
    const kind = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (kind === undefined) {
      throw badRequest(`Unknown query parameter '${name}' for ${where}; it takes: ${Object.keys(allowed).sort().join(", ")}.`);
    }
    const previous = values.get(name);
    if (previous !== undefined && kind !== "list") throw badRequest(`The '${name}' parameter is given more than once.`);
    if (kind === "flag" && value !== "0" && value !== "1") throw badRequest(`Invalid value for the '${name}' parameter: it is 0 or 1.`);
    if (value.length > MAX_TEXT_LENGTH) throw badRequest(`The '${name}' parameter is longer than ${MAX_TEXT_LENGTH} characters.`);
    if (previous === undefined) values.set(name, [value]);
    else previous.push(value);
  }
  return new QueryArgs(values);
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    throw badRequest(`Malformed escape in the query string: ${JSON.stringify(text.slice(0, 64))}.`);
  }
}
