/**
 * Ganeti's query model (lib/query.py): a resource has named fields, each
 * with a kind and a getter; a query selects fields and rows, and every
 * value travels as [status, value]. The same tables render /2/nodes?bulk=1
 * and /2/jobs/ID, so the names always agree.
 */

/** Ganeti's field kinds (constants.QFT_*): a unit is MiB, a timestamp epoch seconds. */
export type FieldKind = "text" | "bool" | "number" | "unit" | "timestamp" | "other";

/** Ganeti's result statuses (constants.RS_*). */
export const ResultStatus = { normal: 0, unknown: 1, noData: 2, unavailable: 3, offline: 4 } as const;
type MissingStatus = (typeof ResultStatus)["noData" | "unavailable" | "offline"];

/** A value a field cannot give for an item, and why. */
export class Missing {
  constructor(readonly status: MissingStatus) {}
}
export const NO_DATA = new Missing(ResultStatus.noData);
export const UNAVAILABLE = new Missing(ResultStatus.unavailable);
export const OFFLINE = new Missing(ResultStatus.offline);

export interface Field<T> {
  title: string;
  kind: FieldKind;
  doc: string;
  get(item: T): unknown;
}

/** A resource's fields by name, in Ganeti's order. */
export type FieldTable<T> = ReadonlyMap<string, Field<T>>;

/** Ganeti's objects.QueryFieldDefinition. */
export interface FieldDefinition {
  name: string;
  title: string;
  kind: FieldKind | "unknown";
  doc: string;
}

export type QueryValue = [status: number, value: unknown];

/** The definitions of the named fields (all when none are named); an unknown name gets Ganeti's "unknown" kind. */
export function fieldDefinitions<T>(table: FieldTable<T>, names?: readonly string[]): FieldDefinition[] {
  return (names ?? [...table.keys()]).map((name) => {
    const field = table.get(name);
    return field === undefined
      ? { name, title: name, kind: "unknown", doc: `Unknown field '${name}'` }
      : { name, title: field.title, kind: field.kind, doc: field.doc };
  });
}

/** One row of a query: a [status, value] per field; unknown fields are RS_UNKNOWN. */
export function queryRow<T>(table: FieldTable<T>, names: readonly string[], item: T): QueryValue[] {
  return names.map((name) => {
    const field = table.get(name);
    if (field === undefined) return [ResultStatus.unknown, null];
    const value = field.get(item);
    return value instanceof Missing ? [value.status, null] : [ResultStatus.normal, value];
  });
}

/** An item as the classic resources show it (/2/nodes?bulk=1): the named fields, null where a value is missing. */
export function itemObject<T>(table: FieldTable<T>, names: readonly string[], item: T): Record<string, unknown> {
  const row = queryRow(table, names, item);
  return Object.fromEntries(names.map((name, index) => [name, row[index]![1]]));
}
