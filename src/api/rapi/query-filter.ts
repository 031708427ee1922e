import { badRequest } from "./errors.js";
import { jsonEqual } from "./json-equal.js";
import { Missing, type Field, type FieldKind, type FieldTable } from "./query-fields.js";

/**
 * Ganeti's query filter language (lib/qlang.py, compiled as lib/query.py
 * does): a filter is a list, its first item the operator.
 *
 * - logic: ["&", f...], ["|", f...]; unary: ["!", f], ["?", field] (truthy);
 * - binary, a field and a value of the field's kind: "=" (and the legacy
 *   "=="), "!=", "<", "<=", ">", ">=", and "=[]" (a list field contains it).
 *
 * The regular-expression operator "=~" is refused: a pattern from a client
 * could backtrack for minutes in JavaScript's engine. A missing value never
 * matches. Filters nest at most 10 levels, as in Ganeti.
 */
export type ItemFilter<T> = (item: T) => boolean;

const MAX_LEVELS = 10;

const COMPARISONS: Readonly<Record<string, (a: number | string, b: number | string) => boolean>> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** Compiles a filter against a resource's fields, or throws a 400 saying what is wrong with it. */
export function compileFilter<T>(table: FieldTable<T>, filter: unknown): ItemFilter<T> {
  return compile(table, filter, 0);
}

function compile<T>(table: FieldTable<T>, filter: unknown, level: number): ItemFilter<T> {
  if (!Array.isArray(filter) || filter.length === 0) throw badRequest(`Invalid filter on level ${level}: a filter is a non-empty list.`);
  if (level >= MAX_LEVELS) throw badRequest(`Only up to ${MAX_LEVELS} levels are allowed (filter nested too deep).`);
  const [operator, ...operands] = filter as [unknown, ...unknown[]];
  switch (operator) {
    case "&": {
      const parts = operands.map((operand) => compile(table, operand, level + 1));
      return (item) => parts.every((part) => part(item));
    }
    case "|": {
      const parts = operands.map((operand) => compile(table, operand, level + 1));
      return (item) => parts.some((part) => part(item));
    }
    case "!": {
      const inner = compile(table, single(operator, operands), level + 1);
      return (item) => !inner(item);
    }
    case "?": {
      const get = lookup(table, single(operator, operands)).get;
      return (item) => truthy(get(item));
    }
    case "=~":
      throw badRequest("The regular expression operator '=~' is not supported; use '=' or '=[]'.");
    default:
      return compileBinary(table, operator, operands);
  }
}

function compileBinary<T>(table: FieldTable<T>, operator: unknown, operands: unknown[]): ItemFilter<T> {
  const test = binaryTest(operator);
  if (operands.length !== 2) throw badRequest(`Invalid binary operator '${String(operator)}', expected exactly two operands.`);
  const [name, value] = operands;
  const field = lookup(table, name);
  if (operator !== "=[]" && !fitsKind(field.kind, value)) {
    throw badRequest(`Unable to compare field '${String(name)}' (type '${field.kind}') with ${JSON.stringify(value)}.`);
  }
  return (item) => {
    const actual = field.get(item);
    return !(actual instanceof Missing) && test(actual, value);
  };
}

function binaryTest(operator: unknown): (actual: unknown, value: unknown) => boolean {
  if (operator === "=" || operator === "==") return jsonEqual;
  if (operator === "!=") return (actual, value) => !jsonEqual(actual, value);
  if (operator === "=[]") return (actual, value) => Array.isArray(actual) && actual.some((element) => jsonEqual(element, value));
  const compare = typeof operator === "string" ? COMPARISONS[operator] : undefined;
  if (compare === undefined) throw badRequest(`Unknown operator ${JSON.stringify(operator)} in the filter.`);
  return (actual, value) => {
    const left = mergedTime(actual);
    return typeof left === typeof value && (typeof left === "number" || typeof left === "string") && compare(left, value as number | string);
  };
}

/** Ganeti compares split timestamps ([seconds, microseconds]) as seconds. */
function mergedTime(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === "number")) {
    return (value[0] as number) + (value[1] as number) / 1e6;
  }
  return value;
}

function single(operator: string, operands: unknown[]): unknown {
  if (operands.length !== 1) throw badRequest(`Unary operator '${operator}' expects exactly one operand.`);
  return operands[0];
}

function lookup<T>(table: FieldTable<T>, name: unknown): Field<T> {
  const field = typeof name === "string" ? table.get(name) : undefined;
  if (field === undefined) throw badRequest(`Unknown field ${JSON.stringify(name)} in the filter.`);
  return field;
}

function fitsKind(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case "text":
      return typeof value === "string";
    case "bool":
      return typeof value === "boolean";
    case "number":
    case "unit":
      return Number.isInteger(value);
    case "timestamp":
      return typeof value === "number";
    case "other":
      return true;
  }
}

/** Python's truth, which Ganeti's "?" applies. */
function truthy(value: unknown): boolean {
  if (value instanceof Missing || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
