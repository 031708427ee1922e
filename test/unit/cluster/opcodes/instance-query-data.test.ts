import test from "ava";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import type { OpcodeContext } from "../../../../src/cluster/opcodes/definition.js";
import { instanceQueryData } from "../../../../src/cluster/opcodes/instance-query-data.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { NewInstance } from "../../../../src/cluster/state/instance-schema.js";
import type { ClusterState } from "../../../../src/cluster/state/schema.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { NodeInstanceReport } from "../../../../src/node/instance-rpc-methods.js";
import { sample } from "../../api/rapi/harness.js";
import { clusterNode, clusterState, groupUuid, newInstance, uuidOf } from "../fixtures.js";

// OP_INSTANCE_QUERY_DATA (GET /2/instances/NAME/info) on a state made by the
// real state machine, with the primaries' reports from a scripted RPC.

const fileDisk = { uuid: "22222222-0000-4000-8000-000000000001", name: "root", sizeMiB: 1024, mode: "rw", format: "raw" } as const;
const nic = { uuid: "33333333-0000-4000-8000-000000000001", name: null, mac: "aa:00:00:12:34:56", ip: "192.0.2.7", params: {} };

function state(): ClusterState {
  let current = clusterState([clusterNode(1), clusterNode(2)]);
  const instances: Array<NewInstance> = [
    newInstance(1, { name: "web1", adminState: "up", diskTemplate: "file", disks: [fileDisk], nics: [nic], beparams: { maxmem: 256 }, hvparams: { kernel_args: "quiet" }, createdAt: 1_795_415_418_831 }),
    newInstance(2, { name: "db2", primaryNode: uuidOf(2), adminState: "up" }),
  ];
  for (const instance of instances) {
    const outcome = applyCommand(current, { kind: "instance.add", instance });
    if (outcome.refusal) throw new Error(outcome.refusal.message);
    current = outcome.state;
  }
  return current;
}

const node1Report: NodeInstanceReport = {
  domains: [{ name: "web1", uuid: "x", state: "running", memoryMiB: 256, maxMemoryMiB: 256, vcpus: 1, cpuTimeNs: 0 }],
  memoryMiB: 4096,
  freeMemoryMiB: 3000,
  cpus: 4,
  storage: { file: null, plain: null },
  hypervisorUri: "test:///default",
};

/** Runs the opcode as the queue does (input validated and parsed), node2 not answering; answers its result and the nodes asked. */
async function query(params: Record<string, unknown>) {
  const [stored] = validateJobOps(opcodeTable, [{ OP_ID: "OP_INSTANCE_QUERY_DATA", ...params }]);
  const { OP_ID: _id, ...rest } = stored!;
  const parsed = instanceQueryData.params.parse(rest);
  const asked: string[] = [];
  const context = {
    state: () => state(),
    services: {
      nodeRpc: async (node: string) => {
        asked.push(node);
        if (node === "node1") return node1Report;
        throw new AlkorError("timeout", `Node ${node} did not answer within 5000 ms.`);
      },
    },
  } as unknown as OpcodeContext;
  instanceQueryData.check(parsed, context);
  const { result, effects } = await instanceQueryData.run(parsed, context);
  return { result: result as Record<string, Record<string, unknown>>, effects, asked: asked.sort() };
}

test("each instance in the shape of Ganeti's LUInstanceQueryData: configuration, filled parameters and whether it runs", async (t) => {
  const { result, effects, asked } = await query({ instances: ["web1"] });
  t.deepEqual(effects, []);
  t.deepEqual(asked, ["node1"], "only the instance's primary is asked");
  t.deepEqual(Object.keys(result), ["web1"]);
  const web1 = result["web1"]!;
  t.like(web1, {
    name: "web1",
    config_state: "up",
    run_state: "up",
    pnode: "node1",
    pnode_group_uuid: groupUuid,
    pnode_group_name: "default",
    snodes: [],
    os: "alkor-image+blank",
    disk_template: "file",
    hypervisor: "kvm",
    network_port: 11000,
    hv_instance: { kernel_args: "quiet" },
    be_instance: { maxmem: 256 },
    uuid: newInstance(1).uuid,
    ctime: 1_795_415_418.831,
  });
  t.deepEqual(web1["nics"], [[null, nic.uuid, "192.0.2.7", "aa:00:00:12:34:56", "bridged", "br0", "", null, null]]);
  t.like((web1["disks"] as unknown[])[0], { iv_name: "disk/0", dev_type: "file", mode: "rw", size: 1024, name: "root", uuid: fileDisk.uuid, pstatus: null, children: [] });
  t.like(web1["be_actual"], { maxmem: 256, vcpus: 1 });
  t.like(web1["hv_actual"], { kernel_args: "quiet", serial_console: true });
});

test("the keys are Ganeti's, as its RAPI answered them for bench01", async (t) => {
  const recorded = (await sample("GET_2_jobs_ID_instance-info.json")) as { opresult: Array<Record<string, Record<string, unknown>>> };
  const ganeti = recorded.opresult[0]!["bench01"]!;
  const { result } = await query({ instances: ["web1"] });
  t.deepEqual(Object.keys(result["web1"]!).sort(), Object.keys(ganeti).sort());
});

test("static asks no node and leaves run_state null; a primary that does not answer leaves it null too; no names means every instance", async (t) => {
  const still = await query({ instances: ["web1"], static: true });
  t.deepEqual(still.asked, []);
  t.is(still.result["web1"]!["run_state"], null);
  t.is(still.result["web1"]!["config_state"], "up");
  const all = await query({});
  t.deepEqual(Object.keys(all.result).sort(), ["db2", "web1"]);
  t.deepEqual(all.asked, ["node1", "node2"]);
  t.is(all.result["db2"]!["run_state"], null, "node2 did not answer");
  t.is(all.result["web1"]!["run_state"], "up");
});

test("an unknown instance is refused before anything is asked, naming it", async (t) => {
  const error = await t.throwsAsync(query({ instances: ["web1", "nosuch"] }));
  t.like(error, { code: "unknown_entity", message: "Instance nosuch does not exist." });
});
