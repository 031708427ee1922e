import test, { type ExecutionContext } from "ava";
import { defaultInstanceDefaults } from "../../../../src/cluster/state/instance-schema.js";
import { INSTANCE_CREATED_AT } from "./fake-instances.js";
import { assertRapiError, keysOf, rapiFor, rapiRequest, READER, sample, sampleKeys, type TestRapi } from "./harness.js";



/** The opcodes of every job submitted, one list per job. */
function submitted(server: TestRapi): unknown[][] {
  return server.backend.writes.filter((write) => write.call === "submit").map((write) => write.args[0] as unknown[]);
}

/** Sends a write and returns the one opcode its job was submitted with. */
async function opcodeOf(t: ExecutionContext, server: TestRapi, method: string, path: string, json?: unknown): Promise<unknown> {
  const before = submitted(server).length;
  const answer = await rapiRequest(server, method, path, json === undefined ? {} : { json });
  t.is(answer.status, 200, `${method} ${path}: ${answer.text}`);
  t.is(typeof answer.json, "number", "a write answers the job id as a bare number, as Ganeti does");
  const jobs = submitted(server);
  t.is(jobs.length, before + 1);
  t.is(jobs.at(-1)!.length, 1);
  return jobs.at(-1)![0];
}

/** A JSON value's type as the comparison with Ganeti's samples sees it. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "list" : typeof value;
}

const INST1_UUID = "10000000-0000-4000-8000-000000000001";

// ---- Reads ------------------------------------------------------------------

test("GET /2/instances lists ids and URIs as Ganeti does, sorted with digits by value", async (t) => {
  const server = await rapiFor(t);
  const answer = await rapiRequest(server, "GET", "/2/instances");
  t.is(answer.status, 200);
  t.deepEqual(keysOf((answer.json as unknown[])[0]), await sampleKeys("GET_2_instances.json"));
  t.deepEqual(answer.json, [
    { id: "inst1.alkor.test", uri: "/2/instances/inst1.alkor.test" },
    { id: "inst2.alkor.test", uri: "/2/instances/inst2.alkor.test" },
    { id: "inst10.alkor.test", uri: "/2/instances/inst10.alkor.test" },
  ]);
});

test("a bulk instance has the keys of Ganeti's /2/instances?bulk=1, each of the same type, and beparams with the same keys", async (t) => {
  const server = await rapiFor(t);
  const answer = await rapiRequest(server, "GET", "/2/instances?bulk=1");
  t.is(answer.status, 200);
  const [running] = answer.json as Array<Record<string, unknown>>;
  // Ganeti's first item runs as inst1 does, so every value is there on both sides.
  const ganeti = ((await sample("GET_2_instances_bulk-1.json")) as Array<Record<string, unknown>>)[0]!;
  t.deepEqual(Object.keys(running!), Object.keys(ganeti), "same keys in Ganeti's order");
  // The sample's instance runs on Ganeti's fake hypervisor, which takes no network port; kvm's instances have one.
  const expectedType = (key: string) => (key === "network_port" ? "number" : typeOf(ganeti[key]));
  for (const key of Object.keys(ganeti)) t.is(typeOf(running![key]), expectedType(key), key);
  t.deepEqual(keysOf(running!.beparams), keysOf(ganeti.beparams));
  for (const key of Object.keys(ganeti.beparams as object)) {
    t.is(typeOf((running!.beparams as Record<string, unknown>)[key]), typeOf((ganeti.beparams as Record<string, unknown>)[key]), `beparams.${key}`);
  }
});

test("renders a running instance's configuration and runtime under Ganeti's fields", async (t) => {
  const server = await rapiFor(t);
  const [inst1] = (await rapiRequest(server, "GET", "/2/instances?bulk=1")).json as unknown[];
  t.deepEqual(inst1, {
    name: "inst1.alkor.test",
    admin_state: "up",
    os: "debootstrap+default",
    pnode: "node1.alkor.test",
    snodes: [],
    disk_template: "plain",
    "nic.ips": ["198.18.1.1"],
    "nic.macs": ["aa:00:00:00:00:01"],
    "nic.modes": ["bridged"],
    "nic.uuids": ["e1000000-0000-4000-8000-000000000001"],
    "nic.names": ["eth0"],
    "nic.links": ["br0"],
    "nic.networks": [null],
    "nic.networks.names": [null],
    "nic.bridges": ["br0"],
    network_port: 11000,
    "disk.sizes": [10240, 2048],
    "disk.spindles": [null, null],
    disk_usage: 12288,
    "disk.uuids": ["d1000000-0000-4000-8000-000000000001", "d1000000-0000-4000-8000-000000000002"],
    "disk.names": ["root", null],
    beparams: { maxmem: 512, minmem: 256, vcpus: 2, auto_balance: true, always_failover: false, spindle_use: 1, memory: 512 },
    hvparams: { ...defaultInstanceDefaults.hvparams, kernel_args: "ro console=ttyS0" },
    oper_state: true,
    oper_ram: 512,
    oper_vcpus: 2,
    status: "running",
    custom_hvparams: { kernel_args: "ro console=ttyS0" },
    custom_beparams: { maxmem: 512, minmem: 256, vcpus: 2 },
    custom_nicparams: [{}],
    ctime: INSTANCE_CREATED_AT / 1000,
    mtime: (INSTANCE_CREATED_AT + 60_250) / 1000,
    uuid: INST1_UUID,
    serial_no: 3,
    tags: ["env:prod"],
  });
});

test("a stopped instance has no runtime figures, and one whose primary does not answer is ERROR_nodedown", async (t) => {
  const server = await rapiFor(t);
  const [, inst2, inst10] = (await rapiRequest(server, "GET", "/2/instances?bulk=1")).json as Array<Record<string, unknown>>;
  const created = (await sample("GET_2_instances_NAME_after-create.json")) as Record<string, unknown>;
  for (const key of ["admin_state", "oper_state", "oper_ram", "oper_vcpus", "status", "disk_template", "disk.sizes", "disk_usage", "snodes"]) {
    t.deepEqual(inst2![key], created[key], `a stopped diskless instance's ${key} as Ganeti's`);
  }
  t.like(inst2, { "nic.modes": ["routed"], "nic.links": ["100"], "nic.bridges": [null], custom_nicparams: [{ mode: "routed", link: "100" }], custom_beparams: {} });
  t.like(inst10, { admin_state: "up", status: "ERROR_nodedown", oper_state: null, oper_ram: null, oper_vcpus: null, disk_usage: 1024, pnode: "node3.alkor.test" });
});

test("GET /2/instances/NAME is the instance's bulk item; an unknown one is Ganeti's 404 body naming it, a bad name a 400", async (t) => {
  const server = await rapiFor(t);
  const [inst1] = (await rapiRequest(server, "GET", "/2/instances?bulk=1")).json as unknown[];
  const one = await rapiRequest(server, "GET", "/2/instances/inst1.alkor.test");
  t.is(one.status, 200);
  t.deepEqual(one.json, inst1);
  t.deepEqual(keysOf(one.json), await sampleKeys("GET_2_instances_bench01.json"));

  const missing = await rapiRequest(server, "GET", "/2/instances/missing");
  const ganeti = (await sample("GET_2_instances_missing.error.json")) as Record<string, unknown>;
  t.is(missing.status, 404);
  t.deepEqual(keysOf(missing.json), keysOf(ganeti));
  t.like(missing.json, { code: ganeti.code, explain: ganeti.explain, message: "Instance missing does not exist." });
  assertRapiError(t, await rapiRequest(server, "GET", "/2/instances/bad_name!"), 400, /is not a valid instance name/);
});

test("/2/os lists the OS names valid on every node that answers, with their common variants, as Ganeti's /2/os", async (t) => {
  const server = await rapiFor(t);
  const answer = await rapiRequest(server, "GET", "/2/os");
  t.is(answer.status, 200);
  t.deepEqual(answer.json, await sample("GET_2_os.json"));
});

test("/2/os is a 503 naming the nodes' failures when no node answers", async (t) => {
  const server = await rapiFor(t);
  server.backend.instanceNodes.operatingSystems.clear();
  assertRapiError(t, await rapiRequest(server, "GET", "/2/os"), 503, /^No node told its OS definitions \(node1\.alkor\.test: Node node1\.alkor\.test did not answer os\.list/);
});

// ---- Creation ---------------------------------------------------------------

test("POST /2/instances submits OP_INSTANCE_CREATE with the body's parameters under Ganeti's names, __version__ stripped", async (t) => {
  const server = await rapiFor(t);
  const request: Record<string, unknown> = { ...((await sample("POST_2_instances.request.json")) as Record<string, unknown>), hypervisor: "kvm" };
  const { __version__: _version, name, ...rest } = request;
  t.deepEqual(await opcodeOf(t, server, "POST", "/2/instances", request), { OP_ID: "OP_INSTANCE_CREATE", instance_name: name, ...rest });
  t.is(typeof (await sample("POST_2_instances.response.json")), "number");

  // Ganeti's older name for os_type, and dry-run from the query string.
  const { os_type: os, ...withoutOsType } = request;
  t.deepEqual(await opcodeOf(t, server, "POST", "/2/instances?dry-run=1", { ...withoutOsType, os }), { OP_ID: "OP_INSTANCE_CREATE", dry_run: true, instance_name: name, ...rest });
});

test("POST /2/instances refuses other request versions, bodies that are no object and parameters the path or query owns", async (t) => {
  const server = await rapiFor(t);
  const body = { __version__: 1, mode: "create", name: "new1.alkor.test", disk_template: "diskless", disks: [], nics: [{}], os_type: "noop" };
  const cases: Array<[unknown, RegExp]> = [
    [{ ...body, __version__: undefined }, /^Instance creation request version 0 is no longer supported/],
    [{ ...body, __version__: 2 }, /^Unsupported request data version 2 in __version__/],
    [{ ...body, __version__: "1" }, /^Unsupported request data version "1"/],
    [[body], /^Body contents: a JSON object is expected, not a list/],
    ["create", /^Body contents: a JSON object is expected, not "create"/],
    [{ ...body, instance_name: "other" }, /^Parameter 'name' was renamed to 'instance_name', but both are specified/],
    [{ ...body, os: "noop" }, /^Parameter 'os' was renamed to 'os_type', but both are specified/],
    [{ ...body, dry_run: true }, /^Can't overwrite static parameters: dry_run/],
    [{ ...body, OP_ID: "OP_TAGS_SET" }, /^Can't overwrite static parameters: OP_ID/],
  ];
  for (const [json, message] of cases) assertRapiError(t, await rapiRequest(server, "POST", "/2/instances", { json: JSON.parse(JSON.stringify(json)) }), 400, message);
  t.deepEqual(submitted(server), [], "nothing reaches the queue");
});

test("a creation body the opcode refuses is a 400 naming the parameter", async (t) => {
  const server = await rapiFor(t);
  const body = { __version__: 1, mode: "create", name: "new1.alkor.test", disk_template: "plain", nics: [{}], os_type: "noop" };
  assertRapiError(t, await rapiRequest(server, "POST", "/2/instances", { json: { ...body, disks: [{ size: 0 }] } }), 400, /OP_INSTANCE_CREATE.*parameter disks\.0\.size: a disk needs a size of at least 1 MiB/);
  assertRapiError(t, await rapiRequest(server, "POST", "/2/instances", { json: { ...body, disks: [{ size: 1024 }], hypervisor: "fake" } }), 400, /parameter hypervisor/);
  assertRapiError(t, await rapiRequest(server, "POST", "/2/instances", { json: { ...body, disks: [{ size: 1024 }], colour: "blue" } }), 400, /unknown parameter\(s\) "colour"/);
});

// ---- Writes on one instance ---------------------------------------------------

test("DELETE /2/instances/NAME submits OP_INSTANCE_REMOVE, never ignoring failures, with the body's other parameters", async (t) => {
  const server = await rapiFor(t);
  t.deepEqual(await opcodeOf(t, server, "DELETE", "/2/instances/inst2.alkor.test"), { OP_ID: "OP_INSTANCE_REMOVE", instance_name: "inst2.alkor.test", ignore_failures: false });
  t.is(typeof (await sample("DELETE_2_instances_NAME.response.json")), "number", "Ganeti answers a job id too");
  t.deepEqual(await opcodeOf(t, server, "DELETE", "/2/instances/inst2.alkor.test?dry-run=1", { shutdown_timeout: 30 }), {
    OP_ID: "OP_INSTANCE_REMOVE",
    instance_name: "inst2.alkor.test",
    ignore_failures: false,
    dry_run: true,
    shutdown_timeout: 30,
  });
  assertRapiError(t, await rapiRequest(server, "DELETE", "/2/instances/inst2.alkor.test", { json: { ignore_failures: true } }), 400, /Can't overwrite static parameters: ignore_failures/);
  assertRapiError(t, await rapiRequest(server, "DELETE", "/2/instances/inst2.alkor.test", { json: { shutdown_timeout: "soon" } }), 400, /parameter shutdown_timeout/);
});

test("startup, shutdown and reboot submit their opcodes with the query's flags and the body's parameters", async (t) => {
  const server = await rapiFor(t);
  const inst = "/2/instances/inst2.alkor.test";
  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/startup`), { OP_ID: "OP_INSTANCE_STARTUP", instance_name: "inst2.alkor.test", force: false, no_remember: false });
  t.is(typeof (await sample("PUT_2_instances_NAME_startup.response.json")), "number", "Ganeti answers a job id too");
  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/startup?force=1&no_remember=1&dry-run=1`), {
    OP_ID: "OP_INSTANCE_STARTUP",
    instance_name: "inst2.alkor.test",
    force: true,
    no_remember: true,
    dry_run: true,
  });
  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/shutdown?no_remember=1`, { timeout: 30 }), { OP_ID: "OP_INSTANCE_SHUTDOWN", instance_name: "inst2.alkor.test", no_remember: true, timeout: 30 });
  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/shutdown`, {}), { OP_ID: "OP_INSTANCE_SHUTDOWN", instance_name: "inst2.alkor.test", no_remember: false });
  t.deepEqual(await opcodeOf(t, server, "POST", `${inst}/reboot`), { OP_ID: "OP_INSTANCE_REBOOT", instance_name: "inst2.alkor.test", reboot_type: "hard", ignore_secondaries: false });
  t.deepEqual(await opcodeOf(t, server, "POST", `${inst}/reboot?type=soft&ignore_secondaries=1`, { shutdown_timeout: 60 }), {
    OP_ID: "OP_INSTANCE_REBOOT",
    instance_name: "inst2.alkor.test",
    reboot_type: "soft",
    ignore_secondaries: true,
    shutdown_timeout: 60,
  });
  assertRapiError(t, await rapiRequest(server, "POST", `${inst}/reboot?type=warm`), 400, /'type' parameter: "warm"; it is soft, hard, full/);
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/startup?no_remember=yes`), 400, /'no_remember' parameter: it is 0 or 1/);
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/startup`, { json: { force: true } }), 400, /takes no request body/);
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/shutdown`, { json: { timeout: -1 } }), 400, /parameter timeout/);
});

test("modify, rename and the disk resources submit their opcodes; modify takes the custom_ names of /2/instances/NAME", async (t) => {
  const server = await rapiFor(t);
  const inst = "/2/instances/inst1.alkor.test";
  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/modify`, { custom_beparams: { maxmem: 1024 }, hvparams: { serial_console: false }, nics: [["add", -1, {}]] }), {
    OP_ID: "OP_INSTANCE_SET_PARAMS",
    instance_name: "inst1.alkor.test",
    beparams: { maxmem: 1024 },
    hvparams: { serial_console: false },
    nics: [["add", -1, {}]],
  });
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/modify`, { json: { beparams: {}, custom_beparams: {} } }), 400, /'custom_beparams' was renamed to 'beparams', but both are specified/);
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/modify`, { json: { beparams: { vcpus: 0 } } }), 400, /parameter beparams\.vcpus/);
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/modify`, { json: { instance_name: "inst2.alkor.test" } }), 400, /Can't overwrite static parameters: instance_name/);

  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/rename`, { new_name: "inst3.alkor.test", name_check: false }), {
    OP_ID: "OP_INSTANCE_RENAME",
    instance_name: "inst1.alkor.test",
    new_name: "inst3.alkor.test",
    name_check: false,
  });
  assertRapiError(t, await rapiRequest(server, "PUT", `${inst}/rename`, { json: {} }), 400, /parameter new_name/);

  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/activate-disks?ignore_size=1`), { OP_ID: "OP_INSTANCE_ACTIVATE_DISKS", instance_name: "inst1.alkor.test", ignore_size: true });
  t.deepEqual(await opcodeOf(t, server, "PUT", `${inst}/deactivate-disks?force=1`), { OP_ID: "OP_INSTANCE_DEACTIVATE_DISKS", instance_name: "inst1.alkor.test", force: true });
  t.deepEqual(await opcodeOf(t, server, "POST", `${inst}/recreate-disks`, { disks: [1] }), { OP_ID: "OP_INSTANCE_RECREATE_DISKS", instance_name: "inst1.alkor.test", disks: [1] });
  t.deepEqual(await opcodeOf(t, server, "POST", `${inst}/disk/1/grow`, { amount: 1024, absolute: false }), {
    OP_ID: "OP_INSTANCE_GROW_DISK",
    instance_name: "inst1.alkor.test",
    disk: 1,
    amount: 1024,
    absolute: false,
  });
  assertRapiError(t, await rapiRequest(server, "POST", `${inst}/disk/01/grow`, { json: { amount: 1 } }), 400, /"01" is not a disk index/);
  assertRapiError(t, await rapiRequest(server, "POST", `${inst}/disk/1/grow`, { json: { amount: 1, disk: 0 } }), 400, /Can't overwrite static parameters: disk/);
  assertRapiError(t, await rapiRequest(server, "POST", `${inst}/disk/1/grow`, { json: {} }), 400, /parameter amount/);
});

test("GET /2/instances/NAME/info submits OP_INSTANCE_QUERY_DATA for that instance (static with ?static=1), for a read-only user too", async (t) => {
  const server = await rapiFor(t);
  const inst = "/2/instances/inst1.alkor.test";
  t.deepEqual(await opcodeOf(t, server, "GET", `${inst}/info`), { OP_ID: "OP_INSTANCE_QUERY_DATA", instances: ["inst1.alkor.test"], static: false });
  t.deepEqual(await opcodeOf(t, server, "GET", `${inst}/info?static=1`), { OP_ID: "OP_INSTANCE_QUERY_DATA", instances: ["inst1.alkor.test"], static: true });
  const read = await rapiRequest(server, "GET", `${inst}/info`, { auth: READER });
  t.is(read.status, 200, read.text);
  t.is(typeof read.json, "number");
  assertRapiError(t, await rapiRequest(server, "GET", `${inst}/info?static=yes`), 400, /'static' parameter: it is 0 or 1/);
});

test("a write on an instance that is not configured is a 404 and submits nothing", async (t) => {
  const server = await rapiFor(t);
  const missing = "/2/instances/missing.alkor.test";
  for (const [method, path, json] of [
    ["DELETE", missing, undefined],
    ["PUT", `${missing}/startup`, undefined],
    ["PUT", `${missing}/shutdown`, {}],
    ["POST", `${missing}/reboot`, undefined],
    ["PUT", `${missing}/modify`, { beparams: { vcpus: 2 } }],
    ["PUT", `${missing}/rename`, { new_name: "x.alkor.test" }],
    ["PUT", `${missing}/activate-disks`, undefined],
    ["PUT", `${missing}/deactivate-disks`, undefined],
    ["POST", `${missing}/recreate-disks`, {}],
    ["POST", `${missing}/disk/0/grow`, { amount: 1 }],
    ["PUT", `${missing}/tags?tag=a`, undefined],
    ["GET", `${missing}/tags`, undefined],
    ["GET", `${missing}/info`, undefined],
  ] as const) {
    assertRapiError(t, await rapiRequest(server, method, path, json === undefined ? {} : { json }), 404, /^Instance missing\.alkor\.test does not exist\.$/);
  }
  t.deepEqual(submitted(server), []);
});

test("a read-only user reads instances and OS names but changes nothing", async (t) => {
  const server = await rapiFor(t);
  for (const path of ["/2/instances", "/2/instances?bulk=1", "/2/instances/inst1.alkor.test", "/2/instances/inst1.alkor.test/tags", "/2/os", "/2/query/instance?fields=name"]) {
    t.is((await rapiRequest(server, "GET", path, { auth: READER })).status, 200, path);
  }
  const inst = "/2/instances/inst1.alkor.test";
  for (const [method, path, json] of [
    ["POST", "/2/instances", { __version__: 1, name: "new1.alkor.test", disk_template: "diskless", disks: [], nics: [], os_type: "noop" }],
    ["DELETE", inst, undefined],
    ["PUT", `${inst}/startup`, undefined],
    ["PUT", `${inst}/shutdown`, undefined],
    ["POST", `${inst}/reboot`, undefined],
    ["PUT", `${inst}/modify`, { beparams: { vcpus: 2 } }],
    ["PUT", `${inst}/rename`, { new_name: "x.alkor.test" }],
    ["PUT", `${inst}/activate-disks`, undefined],
    ["PUT", `${inst}/deactivate-disks`, undefined],
    ["POST", `${inst}/recreate-disks`, undefined],
    ["POST", `${inst}/disk/0/grow`, { amount: 1 }],
    ["PUT", `${inst}/tags?tag=a`, undefined],
    ["DELETE", `${inst}/tags?tag=env:prod`, undefined],
  ] as const) {
    const answer = await rapiRequest(server, method, path, { auth: READER, ...(json === undefined ? {} : { json }) });
    t.is(answer.status, 403, `${method} ${path}`);
  }
  t.deepEqual(server.backend.writes, []);
});

// ---- Tags and queries ---------------------------------------------------------

test("an instance's tags: GET reads the configuration, PUT and DELETE submit tag opcodes for the instance", async (t) => {
  const server = await rapiFor(t);
  t.deepEqual((await rapiRequest(server, "GET", "/2/instances/inst1.alkor.test/tags")).json, ["env:prod"]);
  t.deepEqual(await opcodeOf(t, server, "PUT", "/2/instances/inst1.alkor.test/tags?tag=web&tag=rack:b"), { OP_ID: "OP_TAGS_SET", kind: "instance", name: "inst1.alkor.test", tags: ["web", "rack:b"] });
  t.deepEqual(await opcodeOf(t, server, "DELETE", "/2/instances/inst1.alkor.test/tags?tag=env:prod&dry-run=1"), {
    OP_ID: "OP_TAGS_DEL",
    kind: "instance",
    name: "inst1.alkor.test",
    tags: ["env:prod"],
    dry_run: true,
  });
});

test("/2/query/instance answers Ganeti's query with the instance fields and filters", async (t) => {
  const server = await rapiFor(t);
  const answer = await rapiRequest(server, "PUT", "/2/query/instance", {
    json: { fields: ["name", "status", "oper_ram", "disk_usage", "pnode", "nosuch"], qfilter: ["|", ["=", "admin_state", "up"], ["=[]", "tags", "env:prod"]] },
  });
  t.is(answer.status, 200, answer.text);
  const { fields, data } = answer.json as { fields: Array<{ name: string; kind: string }>; data: unknown[] };
  t.deepEqual(
    fields.map((field) => [field.name, field.kind]),
    [["name", "text"], ["status", "text"], ["oper_ram", "unit"], ["disk_usage", "unit"], ["pnode", "text"], ["nosuch", "unknown"]],
  );
  t.deepEqual(data, [
    [[0, "inst1.alkor.test"], [0, "running"], [0, 512], [0, 12288], [0, "node1.alkor.test"], [1, null]],
    // RS_NODATA: its primary did not answer.
    [[0, "inst10.alkor.test"], [0, "ERROR_nodedown"], [2, null], [0, 1024], [0, "node3.alkor.test"], [1, null]],
  ]);
  const stopped = await rapiRequest(server, "GET", "/2/query/instance?fields=name,oper_state,oper_ram");
  t.deepEqual((stopped.json as { data: unknown[] }).data[1], [[0, "inst2.alkor.test"], [0, false], [3, null]], "RS_UNAVAIL: it does not run");
  const definitions = await rapiRequest(server, "GET", "/2/query/instance/fields");
  const names = (definitions.json as { fields: Array<{ name: string }> }).fields.map((field) => field.name);
  for (const name of await sampleKeys("GET_2_instances_bulk-1.json")) t.true(names.includes(name), name);
  assertRapiError(t, await rapiRequest(server, "PUT", "/2/query/instance", { json: { fields: ["name"], qfilter: [">", "oper_ram", "lots"] } }), 400, /oper_ram/);
});
