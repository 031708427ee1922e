import test from "ava";
import { BULK_NODE_FIELDS, NODE_FIELDS, nodeRows } from "../../../../src/api/rapi/node-fields.js";
import { itemObject, queryRow, ResultStatus } from "../../../../src/api/rapi/query-fields.js";
import { CREATED_AT, GROUP_UUID, sampleState, sampleView, sampleViews } from "./fake-backend.js";
import { keysOf, sample, sampleKeys } from "./harness.js";

function rows() {
  return nodeRows(sampleState(), "node1.alkor.test", sampleViews());
}

test("a bulk node has exactly the keys of Ganeti's /2/nodes?bulk=1", async (t) => {
  t.deepEqual(keysOf(itemObject(NODE_FIELDS, BULK_NODE_FIELDS, rows()[0]!)), await sampleKeys("GET_2_nodes_bulk-1.json"));
});

test("renders the master as Ganeti does, with its live figures in MiB", async (t) => {
  const master = itemObject(NODE_FIELDS, BULK_NODE_FIELDS, rows()[0]!);
  const ganeti = ((await sample("GET_2_nodes_bulk-1.json")) as Array<Record<string, unknown>>)[0]!;
  for (const key of ["offline", "master_candidate", "drained", "mtotal", "mfree", "ctotal", "cnos", "pip", "sip", "role", "master_capable", "vm_capable", "sinst_list", "sinst_cnt", "sptotal", "spfree"]) {
    t.deepEqual(master[key], ganeti[key], key);
  }
  t.like(master, {
    name: "node1.alkor.test",
    dtotal: 252 * 1024,
    dfree: 80384,
    pinst_cnt: 1,
    pinst_list: ["inst1.alkor.test"],
    ndparams: {},
    "group.uuid": GROUP_UUID,
    ctime: (CREATED_AT + 1000) / 1000,
    uuid: "00000000-0000-4000-8000-000000000001",
    tags: ["rack:a"],
  });
  t.is(master.mtime, null, "alkor keeps no per-node modification time");
  t.is(master.serial_no, null);
});

test("gives each node its Ganeti role letter", (t) => {
  t.deepEqual(
    rows().map((row) => NODE_FIELDS.get("role")!.get(row)),
    ["M", "C", "D", "O"],
  );
});

test("live figures are RS_NODATA for a dead or unheard node, RS_OFFLINE for an offline one, and kept for a suspect one", (t) => {
  const names = ["mtotal", "dfree", "ctotal"];
  const [, suspect, dead, offline] = rows();
  t.deepEqual(queryRow(NODE_FIELDS, names, suspect!), [[0, 24105], [0, 80384], [0, 2]]);
  t.deepEqual(queryRow(NODE_FIELDS, names, dead!).map(([status]) => status), [2, 2, 2]);
  t.deepEqual(queryRow(NODE_FIELDS, names, offline!).map(([status]) => status), [4, 4, 4]);
  const unread = nodeRows(sampleState(), "node1.alkor.test", [sampleView(1, { hardware: null })])[0]!;
  t.is(queryRow(NODE_FIELDS, ["mtotal"], unread)[0]![0], ResultStatus.noData, "a node still reading its hardware");
});

test("sorts nodes by name with digits by value, as Ganeti's NiceSort", (t) => {
  const state = sampleState();
  const [first] = Object.values(state.nodes);
  state.nodes = Object.fromEntries(
    ["node10", "node9", "node1"].map((name, index) => [`id${index}`, { ...first!, uuid: `id${index}`, name }]),
  );
  t.deepEqual(
    nodeRows(state, "node1", []).map((row) => row.node.name),
    ["node1", "node9", "node10"],
  );
});

test("lists each node's primary instances by name; alkor's templates have no secondaries", (t) => {
  t.deepEqual(
    rows().map((row) => [NODE_FIELDS.get("pinst_list")!.get(row), NODE_FIELDS.get("pinst_cnt")!.get(row), NODE_FIELDS.get("sinst_cnt")!.get(row)]),
    [[["inst1.alkor.test"], 1, 0], [["inst2.alkor.test"], 1, 0], [["inst10.alkor.test"], 1, 0], [[], 0, 0]],
  );
});
