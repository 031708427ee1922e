import { AlkorError } from "../model/errors.js";

/** --units: h(uman) picks M, G or T per value as Ganeti does; the others are fixed. */
export const UNITS = ["h", "b", "k", "m", "g", "t"] as const;
export type Units = (typeof UNITS)[number];

/** Sizes are bytes shown in --units; numbers and sizes are right-aligned. */
export type ColumnKind = "text" | "number" | "size";

/** One field a list command can show (`-o FIELD`). */
export interface Column<Row> {
  readonly name: string;
  /** Other names accepted by -o, such as Ganeti's. */
  readonly aliases?: readonly string[];
  readonly title: string;
  readonly kind: ColumnKind;
  readonly value: (row: Row) => string | number;
}

export interface TableOptions {
  headers: boolean;
  /** When set, fields are joined by it without padding, for scripts. */
  separator?: string | undefined;
  units?: Units | undefined;
}

const MIB = 1024 * 1024;

/**
 * The columns named by an `-o` value; without one, the defaults. A leading
 * `+` appends to the defaults, as Ganeti's ParseFields does.
 */
export function selectColumns<Row>(columns: readonly Column<Row>[], defaults: readonly string[], spec: string | undefined): Column<Row>[] {
  const names = spec === undefined ? defaults : spec.startsWith("+") ? [...defaults, ...spec.slice(1).split(",")] : spec.split(",");
  const unknown = names.filter((name) => findColumn(columns, name) === undefined);
  if (unknown.length > 0) {
    const valid = columns.map((column) => [column.name, ...(column.aliases ?? [])].join("/")).join(", ");
    const quoted = unknown.map((name) => JSON.stringify(name)).join(", ");
    throw new AlkorError("wrong_input", `Unknown output field${unknown.length > 1 ? "s" : ""} ${quoted}. Valid fields: ${valid}.`);
  }
  return names.map((name) => findColumn(columns, name)!);
}

function findColumn<Row>(columns: readonly Column<Row>[], name: string): Column<Row> | undefined {
  return columns.find((column) => column.name === name || column.aliases?.includes(name));
}

/** A size in bytes as Ganeti's FormatUnit shows mebibytes: 512M, 2.0G, 3.6T in human units. */
export function formatSize(bytes: number, units: Units): string {
  const mebibytes = bytes / MIB;
  switch (units) {
    case "b":
      return String(Math.round(bytes));
    case "k":
      return String(Math.round(bytes / 1024));
    case "m":
      return String(Math.round(mebibytes));
    case "g":
      return (mebibytes / 1024).toFixed(1);
    case "t":
      return (mebibytes / 1024 / 1024).toFixed(1);
    case "h":
      if (mebibytes < 1024) return `${Math.round(mebibytes)}M`;
      if (mebibytes < 1024 * 1024) return `${(mebibytes / 1024).toFixed(1)}G`;
      return `${(mebibytes / 1024 / 1024).toFixed(1)}T`;
  }
}

/**
 * The table's lines as Ganeti's GenerateTable prints them: aligned columns
 * joined by one space, or joined by the separator without padding. Without
 * --units, sizes are human-readable, but plain mebibytes with a separator
 * so scripts get numbers.
 */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], options: TableOptions): string[] {
  const units = options.units ?? (options.separator === undefined ? "h" : "m");
  const cells = rows.map((row) => columns.map((column) => cellText(column, row, units)));
  const lines = options.headers ? [columns.map((column) => column.title), ...cells] : cells;
  if (options.separator !== undefined) return lines.map((line) => line.join(options.separator));
  const widths = columns.map((_, index) => Math.max(...lines.map((line) => line[index]!.length)));
  // Trailing blanks are trimmed, as Ganeti leaves its last column unpadded.
  return lines.map((line) =>
    line
      .map((text, index) => (columns[index]!.kind === "text" ? text.padEnd(widths[index]!) : text.padStart(widths[index]!)))
      .join(" ")
      .trimEnd(),
  );
}

function cellText<Row>(column: Column<Row>, row: Row, units: Units): string {
  const value = column.value(row);
  return column.kind === "size" && typeof value === "number" ? formatSize(value, units) : String(value);
}
