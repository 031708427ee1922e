import test from "ava";
import { formatSize, formatTable, selectColumns, type Column } from "../../../src/cli/table.js";
import { AlkorError } from "../../../src/model/errors.js";

interface Row {
  name: string;
  cpus: number;
  memory: number;
  note: string;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const TIB = 1024 * GIB;

const COLUMNS: Column<Row>[] = [
  { name: "name", title: "Node", kind: "text", value: (row) => row.name },
  { name: "cpus", aliases: ["ctotal"], title: "CPUs", kind: "number", value: (row) => row.cpus },
  { name: "memory", title: "MTotal", kind: "size", value: (row) => row.memory },
  { name: "note", title: "Note", kind: "text", value: (row) => row.note },
];
const DEFAULTS = ["name", "cpus", "memory"];
const ROWS: Row[] = [
  { name: "node1.example.com", cpus: 8, memory: 3839 * MIB, note: "rack 1" },
  { name: "node2", cpus: 128, memory: 3.6 * TIB, note: "" },
];

const plain = { headers: true };

test("aligns text left and numbers and sizes right, one space apart, with human sizes", (t) => {
  t.deepEqual(formatTable(COLUMNS, ROWS, plain), [
    "Node              CPUs MTotal Note",
    "node1.example.com    8   3.7G rack 1",
    "node2              128   3.6T",
  ]);
});

test("leaves no trailing blanks after a left-aligned last column", (t) => {
  const lines = formatTable(selectColumns(COLUMNS, DEFAULTS, "cpus,name"), ROWS, plain);
  t.deepEqual(lines, ["CPUs Node", "   8 node1.example.com", " 128 node2"]);
});

test("pads a right-aligned last column", (t) => {
  const lines = formatTable(selectColumns(COLUMNS, DEFAULTS, "name,cpus"), ROWS, plain);
  t.deepEqual(lines, ["Node              CPUs", "node1.example.com    8", "node2              128"]);
});

test("omits the header line with --no-headers", (t) => {
  const lines = formatTable(selectColumns(COLUMNS, DEFAULTS, "name,cpus"), ROWS, { headers: false });
  t.deepEqual(lines, ["node1.example.com   8", "node2             128"]);
});

test("prints the header line alone when there are no rows", (t) => {
  t.deepEqual(formatTable(selectColumns(COLUMNS, DEFAULTS, undefined), [], plain), ["Node CPUs MTotal"]);
  t.deepEqual(formatTable(selectColumns(COLUMNS, DEFAULTS, undefined), [], { headers: false }), []);
});

test("joins fields with the separator without padding and shows sizes as plain mebibytes", (t) => {
  const lines = formatTable(selectColumns(COLUMNS, DEFAULTS, undefined), ROWS, { headers: true, separator: "|" });
  t.deepEqual(lines, ["Node|CPUs|MTotal", "node1.example.com|8|3839", `node2|128|${Math.round((3.6 * TIB) / MIB)}`]);
});

test("applies explicit --units also with a separator", (t) => {
  const lines = formatTable(selectColumns(COLUMNS, DEFAULTS, "name,memory"), ROWS, { headers: false, separator: ",", units: "g" });
  t.deepEqual(lines, ["node1.example.com,3.7", "node2,3686.4"]);
});

test("uses the default fields without -o", (t) => {
  t.deepEqual(selectColumns(COLUMNS, DEFAULTS, undefined).map((column) => column.name), DEFAULTS);
});

test("shows exactly the fields given to -o, in their order", (t) => {
  t.deepEqual(selectColumns(COLUMNS, DEFAULTS, "note,name").map((column) => column.name), ["note", "name"]);
});

test("appends the fields after a leading + to the defaults, as Ganeti does", (t) => {
  t.deepEqual(selectColumns(COLUMNS, DEFAULTS, "+note,cpus").map((column) => column.name), [...DEFAULTS, "note", "cpus"]);
});

test("accepts a field's alias", (t) => {
  const [column] = selectColumns(COLUMNS, DEFAULTS, "ctotal");
  t.is(column?.name, "cpus");
});

test("rejects an unknown field, naming it and listing the valid ones", (t) => {
  const error = t.throws(() => selectColumns(COLUMNS, DEFAULTS, "name,bogus"), { instanceOf: AlkorError });
  t.is(error?.code, "wrong_input");
  t.is(error?.message, 'Unknown output field "bogus". Valid fields: name, cpus/ctotal, memory, note.');
});

test("names every unknown field at once", (t) => {
  const error = t.throws(() => selectColumns(COLUMNS, DEFAULTS, "+x,,y"));
  t.is(error?.message, 'Unknown output fields "x", "", "y". Valid fields: name, cpus/ctotal, memory, note.');
});

test("formats human sizes as Ganeti's FormatUnit: whole M below a GiB, one decimal G below a TiB, then T", (t) => {
  t.is(formatSize(0, "h"), "0M");
  t.is(formatSize(512 * MIB, "h"), "512M");
  t.is(formatSize(1023 * MIB, "h"), "1023M");
  t.is(formatSize(GIB, "h"), "1.0G");
  t.is(formatSize(2 * GIB, "h"), "2.0G");
  t.is(formatSize(1023.9 * GIB, "h"), "1023.9G");
  t.is(formatSize(3.6 * TIB, "h"), "3.6T");
});

test("formats sizes in fixed units without a suffix", (t) => {
  const size = 3 * GIB + 512 * MIB;
  t.is(formatSize(size, "b"), "3758096384");
  t.is(formatSize(size, "k"), "3670016");
  t.is(formatSize(size, "m"), "3584");
  t.is(formatSize(size, "g"), "3.5");
  t.is(formatSize(2 * TIB, "t"), "2.0");
});
