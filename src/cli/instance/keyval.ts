import { UsageError } from "../common.js";

/**
 * Ganeti's key=value option syntax (cli._SplitKeyVal): comma-separated
 * pairs, a backslash escaping a comma; a bare `key` means true and `no_key`
 * false, and `-key` asks for the default (null).
 */
export type KeyValues = Record<string, string | boolean | null>;

/** Splits on commas that are not escaped with a backslash (Ganeti's UnescapeAndSplit). */
function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === "\\" && text[index + 1] === separator) {
      current += separator;
      index++;
    } else if (char === separator) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** `maxmem=512,vcpus=2,no_auto_balance`; `what` names the option in errors. */
export function parseKeyValues(text: string, what: string): KeyValues {
  const values: KeyValues = {};
  if (text === "") return values;
  for (const element of splitEscaped(text, ",")) {
    let key: string;
    let value: string | boolean | null;
    const equals = element.indexOf("=");
    if (equals >= 0) [key, value] = [element.slice(0, equals), element.slice(equals + 1)];
    else if (element.startsWith("no_")) [key, value] = [element.slice(3), false];
    else if (element.startsWith("-")) [key, value] = [element.slice(1), null];
    else [key, value] = [element, true];
    if (key === "") throw new UsageError(`Empty parameter name in ${what} ${JSON.stringify(text)}.`);
    if (Object.hasOwn(values, key)) throw new UsageError(`Parameter ${key} is given twice in ${what}.`);
    values[key] = value;
  }
  return values;
}

/** `IDENT:key=value,...` as --disk, --net and -H take it: the part before the first colon, and the pairs after it. */
export function parseIdentKeyValues(text: string, what: string): { ident: string; values: KeyValues } {
  const colon = text.indexOf(":");
  const ident = colon < 0 ? text : text.slice(0, colon);
  return { ident, values: parseKeyValues(colon < 0 ? "" : text.slice(colon + 1), what) };
}

/** For repeatable options: commander's collector. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
