import test from "ava";
import { assertRapiError, rapiFor, rapiRequest, READER, type TestRapi } from "./harness.js";

// The cluster's resources that change or show the instance defaults: PUT /2/modify (rlib2's R_2_cluster_modify) and /2/info.



function submitted(server: TestRapi): unknown[][] {
  return server.backend.writes.filter((write) => write.call === "submit").map((write) => write.args[0] as unknown[]);
}

test("PUT /2/modify submits OP_CLUSTER_SET_PARAMS with the body's parameters, in Ganeti's shapes, and answers the job id", async (t) => {
  const server = await rapiFor(t);
  const body = {
    beparams: { default: { maxmem: 512 } },
    hvparams: { kvm: { serial_console: false } },
    nicparams: { link: "br1" },
    file_storage_dir: "/srv/disks",
    vg_name: "xenvg",
    mac_prefix: "aa:00:01",
    candidate_pool_size: 3,
  };
  const answer = await rapiRequest(server, "PUT", "/2/modify", { json: body });
  t.is(answer.status, 200, answer.text);
  t.is(typeof answer.json, "number", "a write answers the job id as a bare number, as Ganeti does");
  t.deepEqual(submitted(server), [[{ OP_ID: "OP_CLUSTER_SET_PARAMS", ...body }]]);
});

test("PUT /2/modify refuses bad parameters with 400 naming them, and readers with 403", async (t) => {
  const server = await rapiFor(t);
  assertRapiError(t, await rapiRequest(server, "PUT", "/2/modify", { json: { beparams: { vcpus: 0 } } }), 400, /parameter beparams\.vcpus/);
  assertRapiError(t, await rapiRequest(server, "PUT", "/2/modify", { json: { hvparams: { "xen-pvm": {} } } }), 400, /parameter hvparams\.xen-pvm: hypervisor parameters go under "kvm"/);
  assertRapiError(t, await rapiRequest(server, "PUT", "/2/modify", { json: { enabled_hypervisors: ["kvm"] } }), 400, /unknown parameter\(s\) "enabled_hypervisors"/);
  assertRapiError(t, await rapiRequest(server, "PUT", "/2/modify", { json: ["not", "an", "object"] }), 400, /a JSON object is expected/);
  assertRapiError(t, await rapiRequest(server, "PUT", "/2/modify", { json: { vg_name: "xenvg" }, auth: READER }), 403, /may only read/);
  t.is(submitted(server).filter((ops) => (ops[0] as { vg_name?: string }).vg_name === "xenvg").length, 0, "the reader's write was not submitted");
});

test("GET /2/info shows the cluster's instance defaults under Ganeti's keys", async (t) => {
  const server = await rapiFor(t);
  server.backend.state.instanceDefaults = { ...server.backend.state.instanceDefaults, nicparams: { mode: "routed", link: "100" }, fileStorageDir: "/srv/disks" };
  const answer = await rapiRequest(server, "GET", "/2/info");
  t.is(answer.status, 200);
  t.like(answer.json, {
    default_hypervisor: "kvm",
    hvparams: { kvm: { serial_console: true, kernel_args: "ro" } },
    beparams: { default: { maxmem: 128, minmem: 128, vcpus: 1 } },
    nicparams: { default: { mode: "routed", link: "100" } },
    file_storage_dir: "/srv/disks",
    mac_prefix: "aa:00:00",
  });
});
