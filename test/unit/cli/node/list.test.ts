import test from "ava";
import { columnsOf, type ListOptions } from "../../../../src/cli/common.js";
import { DEFAULT_NODE_FIELDS, NODE_COLUMNS, selectNodes } from "../../../../src/cli/node/list.js";
import { formatTable } from "../../../../src/cli/table.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { sampleNode } from "../../api/local/fake-node-directory.js";

const NODES = ["node10", "node2", "alpha", "node1"].map((name) => sampleNode({ name }));

test("orders all nodes by name with numbers compared as numbers", (t) => {
  t.deepEqual(selectNodes(NODES, []).map((node) => node.name), ["alpha", "node1", "node2", "node10"]);
});

test("keeps the order in which nodes were named", (t) => {
  t.deepEqual(selectNodes(NODES, ["node10", "alpha"]).map((node) => node.name), ["node10", "alpha"]);
});

test("names every unknown node in one unknown_entity error", (t) => {
  const error = t.throws(() => selectNodes(NODES, ["node1", "x", "y"]), { instanceOf: AlkorError });
  t.is(error?.code, "unknown_entity");
  t.is(error?.message, "Unknown nodes: x, y.");
});

test("a node that has not read its hardware yet shows ? for its CPUs, total memory and profile", (t) => {
  const columns = columnsOf(NODE_COLUMNS, DEFAULT_NODE_FIELDS, { headers: false, separator: "|" } as ListOptions);
  const [line] = formatTable(columns, [sampleNode({ name: "node9", hardware: null })], { headers: false, separator: "|" });
  const cells = line!.split("|");
  t.is(cells[3], "?");
  t.is(cells[4], "?");
  t.is(cells[8], "?");
});
