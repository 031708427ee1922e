import test from "ava";
import { RapiError } from "../../../../src/api/rapi/errors.js";
import { NODE_FIELDS, nodeRows } from "../../../../src/api/rapi/node-fields.js";
import { compileFilter } from "../../../../src/api/rapi/query-filter.js";
import { sampleState, sampleViews } from "./fake-backend.js";

const rows = nodeRows(sampleState(), "node1.alkor.test", sampleViews());

function names(filter: unknown): string[] {
  const matches = compileFilter(NODE_FIELDS, filter);
  return rows.filter(matches).map((row) => row.node.name.replace(".alkor.test", ""));
}

test("equality, inequality and the legacy == compare a field with a value", (t) => {
  t.deepEqual(names(["=", "name", "node2.alkor.test"]), ["node2"]);
  t.deepEqual(names(["==", "role", "D"]), ["node3"]);
  t.deepEqual(names(["!=", "role", "M"]), ["node2", "node3", "node4"]);
  t.deepEqual(names(["=", "tags", ["rack:a"]]), ["node1"]);
});

test("logic operators combine filters, and ? tests a field's truth", (t) => {
  t.deepEqual(names(["|", ["=", "role", "M"], ["=", "role", "O"]]), ["node1", "node4"]);
  t.deepEqual(names(["&", ["?", "master_candidate"], ["!", ["=", "role", "M"]]]), ["node2"]);
  t.deepEqual(names(["?", "tags"]), ["node1"]);
  t.deepEqual(names(["&"]), ["node1", "node2", "node3", "node4"]);
  t.deepEqual(names(["|"]), []);
});

test("ordering operators compare numbers, and a missing value never matches", (t) => {
  t.deepEqual(names([">", "mtotal", 1000]), ["node1", "node2"], "node3 is dead and node4 offline: no data");
  t.deepEqual(names(["<=", "mtotal", 1000]), []);
  t.deepEqual(names([">=", "ctime", 0]), ["node1", "node2", "node3", "node4"]);
});

test("=[] finds a value in a list field", (t) => {
  t.deepEqual(names(["=[]", "tags", "rack:a"]), ["node1"]);
  t.deepEqual(names(["=[]", "name", "node1"]), [], "not a list");
});

function refused(t: import("ava").ExecutionContext, filter: unknown): string {
  const error = t.throws(() => compileFilter(NODE_FIELDS, filter), { instanceOf: RapiError });
  t.is((error as RapiError).status, 400);
  return error!.message;
}

test("refuses malformed filters with a sentence saying what is wrong", (t) => {
  t.is(refused(t, "name"), "Invalid filter on level 0: a filter is a non-empty list.");
  t.is(refused(t, []), "Invalid filter on level 0: a filter is a non-empty list.");
  t.is(refused(t, ["~", "name", "x"]), 'Unknown operator "~" in the filter.');
  t.is(refused(t, ["=", "nosuch", 1]), 'Unknown field "nosuch" in the filter.');
  t.is(refused(t, ["=", "name"]), "Invalid binary operator '=', expected exactly two operands.");
  t.is(refused(t, ["!", ["?", "drained"], ["?", "offline"]]), "Unary operator '!' expects exactly one operand.");
  t.is(refused(t, ["=", "mtotal", "lots"]), `Unable to compare field 'mtotal' (type 'unit') with "lots".`);
  t.is(refused(t, ["=", "drained", 1]), "Unable to compare field 'drained' (type 'bool') with 1.");
  t.is(refused(t, ["&", ["|", "name"]]), "Invalid filter on level 2: a filter is a non-empty list.");
});

test("refuses the regular expression operator, which could make the server spin", (t) => {
  t.is(refused(t, ["=~", "name", "(a+)+$"]), "The regular expression operator '=~' is not supported; use '=' or '=[]'.");
});

test("refuses filters nested deeper than Ganeti's 10 levels", (t) => {
  let filter: unknown = ["?", "drained"];
  for (let level = 0; level < 10; level += 1) filter = ["!", filter];
  t.is(refused(t, filter), "Only up to 10 levels are allowed (filter nested too deep).");
  t.notThrows(() => compileFilter(NODE_FIELDS, (filter as unknown[])[1]));
});
