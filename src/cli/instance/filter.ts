import { compileFilter, type ItemFilter } from "../../api/rapi/query-filter.js";
import { RapiError } from "../../api/rapi/errors.js";
import { Missing, type Field, type FieldTable } from "../../api/rapi/query-fields.js";
import { UsageError } from "../common.js";

/*
 * Ganeti's query filter language as the CLI takes it (lib/qlang.py's
 * ParseFilter), turned into the list form the RAPI's filters use, and
 * compiled by the same code (api/rapi/query-filter.ts):
 *
 *   name == "web1"   status != "running"   oper_ram > 256   (==, !=, <, <=, >, >=)
 *   "web" in tags    "web" not in tags     (a list field contains the value)
 *   name =~ m/^web/i   name !~ /db/        (regular expressions; flags i and s)
 *   name =* "web*"   name !* "db?"         (globs, as for names)
 *   oper_state                              (a field that is true)
 *   not ..., ... and ..., ... or ..., ( ... )
 *
 * The RAPI refuses =~ (a client's pattern would run in the agent); here the
 * pattern is the operator's own and runs in the CLI, so it is compiled
 * here, each =~ becoming a synthetic true/false field.
 */

export type QueryFilter = unknown[];

/** Ganeti's qlang.FILTER_DETECTION_CHARS: an argument with one of these is a filter, not a name. */
const FILTER_CHARS = /[()=/!~'"\\<>\s]/;
const GLOB_CHARS = /[*?]/;
const REGEXP_DELIMITERS = "/#^|";
const BINARY_OPERATORS = ["==", "!=", "<=", ">=", "<", ">"];

export function looksLikeFilter(text: string): boolean {
  return FILTER_CHARS.test(text);
}

export function isGlob(text: string): boolean {
  return GLOB_CHARS.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Ganeti's utils.DnsNameGlobPattern: the glob matches the name, or the name with a domain after it. */
export function globPattern(glob: string): string {
  return `^${escapeRegExp(glob).replace(/\\\*/g, ".*").replace(/\\\?/g, ".")}(\\..*)?$`;
}

/** Names given as arguments (Ganeti's MakeFilter): each an exact name, or a glob. */
export function namesFilter(names: readonly string[], field = "name"): QueryFilter {
  return ["|", ...names.map((name) => (isGlob(name) ? ["=~", field, globPattern(name)] : ["==", field, name]))];
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): QueryFilter {
    const filter = this.or();
    this.skipSpace();
    if (this.at < this.text.length) this.fail(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 10))}`);
    return filter;
  }

  private or(): QueryFilter {
    const parts = [this.and()];
    while (this.keyword("or")) parts.push(this.and());
    return parts.length === 1 ? parts[0]! : ["|", ...parts];
  }

  private and(): QueryFilter {
    const parts = [this.not()];
    while (this.keyword("and")) parts.push(this.not());
    return parts.length === 1 ? parts[0]! : ["&", ...parts];
  }

  private not(): QueryFilter {
    if (this.keyword("not")) return ["!", this.not()];
    this.skipSpace();
    if (this.text[this.at] === "(") {
      this.at++;
      const inner = this.or();
      this.expect(")");
      return inner;
    }
    return this.condition();
  }

  private condition(): QueryFilter {
    const value = this.tryValue();
    if (value !== undefined) {
      const negated = this.keyword("not");
      if (!this.keyword("in")) this.fail(`expected "in" after ${JSON.stringify(value)}`);
      const contains = ["=[]", this.fieldName(), value];
      return negated ? ["!", contains] : contains;
    }
    const field = this.fieldName();
    this.skipSpace();
    for (const operator of ["=~", "!~", "=*", "!*", ...BINARY_OPERATORS]) {
      if (!this.text.startsWith(operator, this.at)) continue;
      this.at += operator.length;
      if (operator === "=~" || operator === "!~") {
        const regexp = ["=~", field, this.regexp()];
        return operator === "=~" ? regexp : ["!", regexp];
      }
      if (operator === "=*" || operator === "!*") {
        const glob = ["=~", field, globPattern(this.quoted() ?? this.fail("expected a quoted glob"))];
        return operator === "=*" ? glob : ["!", glob];
      }
      const operand = this.tryValue();
      if (operand === undefined) this.fail(`expected a number or a quoted string after ${operator}`);
      return [operator, field, operand];
    }
    return ["?", field];
  }

  private fieldName(): string {
    this.skipSpace();
    const match = /^[A-Za-z][A-Za-z0-9_/.]*/.exec(this.text.slice(this.at));
    if (!match || ["and", "or", "not", "in"].includes(match[0])) this.fail("expected a field name");
    this.at += match[0].length;
    return match[0];
  }

  private tryValue(): string | number | undefined {
    this.skipSpace();
    const number = /^[-+]?\d+(?![\w.])/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return Number(number[0]);
    }
    return this.quoted();
  }

  /** A string in single or double quotes; a backslash escapes the next character. */
  private quoted(): string | undefined {
    this.skipSpace();
    const quote = this.text[this.at];
    if (quote !== '"' && quote !== "'") return undefined;
    let value = "";
    for (let index = this.at + 1; index < this.text.length; index++) {
      const char = this.text[index]!;
      if (char === "\\" && index + 1 < this.text.length) value += this.text[++index];
      else if (char === quote) {
        this.at = index + 1;
        return value;
      } else value += char;
    }
    return this.fail("unterminated string");
  }

  /** m/pattern/flags with /, #, ^ or | as the delimiter; flags i and s become Ganeti's (?is) prefix. */
  private regexp(): string {
    this.skipSpace();
    if (this.text[this.at] === "m") this.at++;
    const delimiter = this.text[this.at];
    if (delimiter === undefined || !REGEXP_DELIMITERS.includes(delimiter)) this.fail(`expected a regular expression such as m/pattern/ (delimiters ${REGEXP_DELIMITERS.split("").join(" ")})`);
    let pattern = "";
    let index = this.at + 1;
    for (; index < this.text.length && this.text[index] !== delimiter; index++) {
      if (this.text[index] === "\\" && this.text[index + 1] === delimiter) index++;
      pattern += this.text[index];
    }
    if (index >= this.text.length) this.fail("unterminated regular expression");
    this.at = index + 1;
    const flags = /^[A-Za-z]*/.exec(this.text.slice(this.at))![0];
    this.at += flags.length;
    const unknown = [...flags].filter((flag) => !"is".includes(flag));
    if (unknown.length > 0) this.fail(`unknown regular expression flag ${unknown[0]} (known: i, s)`);
    return flags === "" ? pattern : `(?${[...new Set(flags)].sort().join("")})${pattern}`;
  }

  private keyword(word: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(word, this.at) || /[\w/.]/.test(this.text[this.at + word.length] ?? "")) return false;
    this.at += word.length;
    return true;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.at] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.at++;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  private fail(why: string): never {
    throw new UsageError(`Invalid filter ${JSON.stringify(this.text)} at position ${this.at + 1}: ${why}.`);
  }
}

/** Parses a filter in Ganeti's query language into its list form. */
export function parseFilter(text: string): QueryFilter {
  return new Parser(text).parse();
}

/** The field names a filter uses, so that per-index fields (disk.size/0) can be made for it. */
export function filterFields(filter: unknown): string[] {
  if (!Array.isArray(filter)) return [];
  const [operator, ...operands] = filter as [unknown, ...unknown[]];
  if (operator === "&" || operator === "|" || operator === "!") return operands.flatMap(filterFields);
  return typeof operands[0] === "string" ? [operands[0]] : [];
}

/** A pattern with Ganeti's (?is) prefix as a JavaScript regular expression. */
function regExpOf(pattern: string): RegExp {
  const prefix = /^\(\?([is]+)\)/.exec(pattern);
  try {
    return new RegExp(prefix ? pattern.slice(prefix[0].length) : pattern, prefix ? prefix[1] : "");
  } catch (error) {
    throw new UsageError(`Invalid regular expression ${JSON.stringify(pattern)} in the filter: ${(error as Error).message}.`);
  }
}

/**
 * Compiles a filter against the fields with the RAPI's compiler; each
 * regular expression becomes a synthetic field that is true where it
 * matches (a missing value never does, as in Ganeti).
 */
export function compileQueryFilter<T>(fields: FieldTable<T>, filter: QueryFilter): ItemFilter<T> {
  const table = new Map(fields);
  const replace = (node: unknown): unknown => {
    if (!Array.isArray(node)) return node;
    const [operator, ...operands] = node as [unknown, ...unknown[]];
    if (operator === "&" || operator === "|" || operator === "!") return [operator, ...operands.map(replace)];
    if (operator !== "=~") return node;
    const [name, pattern] = operands;
    const source = typeof name === "string" ? fields.get(name) : undefined;
    if (source === undefined) throw new UsageError(`Unknown field ${JSON.stringify(name)} in the filter.`);
    if (typeof pattern !== "string") throw new UsageError(`The regular expression for ${name} must be a string.`);
    const regexp = regExpOf(pattern);
    const synthetic: Field<T> = {
      title: name as string,
      kind: "bool",
      doc: `${String(name)} matches ${pattern}`,
      get: (item) => {
        const value = source.get(item);
        if (value instanceof Missing || value === null) return false;
        return Array.isArray(value) ? value.some((element) => regexp.test(String(element))) : regexp.test(String(value));
      },
    };
    const key = `=~${table.size}`;
    table.set(key, synthetic);
    return ["?", key];
  };
  const compiled = replace(filter);
  try {
    return compileFilter(table, compiled);
  } catch (error) {
    if (error instanceof RapiError) throw new UsageError(error.message);
    throw error;
  }
}
