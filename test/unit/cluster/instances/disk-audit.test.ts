import test from "ava";
import { auditDisks, type DiskInventoryResult } from "../../../../src/cluster/instances/disk-audit.js";
import type { Job } from "../../../../src/cluster/jobs/model.js";
import type { OpcodeContext } from "../../../../src/cluster/opcodes/definition.js";
import { clusterVerify } from "../../../../src/cluster/opcodes/cluster-verify.js";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { ClusterState } from "../../../../src/cluster/state/schema.js";
import type { DiskInventory } from "../../../../src/node/instance-rpc-methods.js";
import { clusterNode, clusterState, newInstance, uuidOf } from "../fixtures.js";

const nodes = [clusterNode(1), clusterNode(2), clusterNode(3)];
const diskUuid = (n: number) => `22222222-0000-4000-8000-${String(n).padStart(12, "0")}`;
const disk = (n: number) => ({ uuid: diskUuid(n), name: null, sizeMiB: 64, mode: "rw" as const, format: "raw" as const });
const stored = (n: number, index = 0) => ({ diskUuid: diskUuid(n), index, location: `alkor/${diskUuid(n)}.disk${index}` });

/** inst1: a file disk on node1; inst2: two plain disks on node2; inst3: diskless on node3. */
function state(): ClusterState {
  let current = clusterState(nodes);
  for (const instance of [
    newInstance(1, { diskTemplate: "file", disks: [disk(1)] }),
    newInstance(2, { diskTemplate: "plain", disks: [disk(2), disk(3)], primaryNode: uuidOf(2) }),
    newInstance(3, { primaryNode: uuidOf(3) }),
  ]) {
    const outcome = applyCommand(current, { kind: "instance.add", instance });
    if (outcome.refusal) throw new Error(outcome.refusal.message);
    current = outcome.state;
  }
  return current;
}

const answered = (n: number, inventory: DiskInventory): DiskInventoryResult => ({ node: nodes[n - 1]!, inventory });
const noVolumeGroup = { error: 'Volume group "alkor" not found.' };

test("disks held where their instance is configured are neither unknown nor missing", (t) => {
  const audit = auditDisks(state(), [answered(1, { file: { disks: [stored(1)] }, plain: noVolumeGroup }), answered(2, { file: { disks: [] }, plain: { disks: [stored(2), stored(3, 1)] } }), answered(3, { file: { disks: [] }, plain: { disks: [] } })]);
  t.deepEqual(audit, { unknown: [], missing: [], unlisted: [] }, "node1 has no volume group, but it holds no plain disk either");
});

test("a disk no instance on that node has is unknown; a configured disk its primary lacks is missing", (t) => {
  const audit = auditDisks(state(), [
    // node1 holds inst2's disk as well: a plain disk counts only on its instance's primary.
    answered(1, { file: { disks: [stored(1), stored(9)] }, plain: { disks: [stored(2)] } }),
    answered(2, { file: { disks: [] }, plain: { disks: [stored(2)] } }),
  ]);
  t.deepEqual(audit.unknown, [
    { node: "node1", template: "file", location: stored(9).location },
    { node: "node1", template: "plain", location: stored(2).location },
  ]);
  t.deepEqual(audit.missing, [{ instance: "inst2", index: 1, diskUuid: diskUuid(3), node: "node2" }]);
  t.deepEqual(audit.unlisted, []);
});

test("a node or store that cannot be listed is reported only where disks should be, and nothing is called missing there", (t) => {
  const audit = auditDisks(state(), [
    { node: nodes[0]!, error: "Node node1 did not answer within 30 s." },
    answered(2, { file: { error: "Permission denied" }, plain: noVolumeGroup }),
    { node: nodes[2]!, error: "Node node3 did not answer within 30 s." },
  ]);
  t.deepEqual(audit.unlisted, [
    { node: "node1", template: null, error: "Node node1 did not answer within 30 s." },
    { node: "node2", template: "plain", error: noVolumeGroup.error },
  ]);
  t.deepEqual(audit.missing, []);
  t.deepEqual(audit.unknown, []);
});

/** A create job that has made its disks and not yet added its instance. */
function runningCreate(id: number): Job {
  const op = { input: { OP_ID: "OP_INSTANCE_CREATE" }, status: "running" as const, result: null, startedAt: 1, execAt: 1, endedAt: null, log: [] };
  return { id, priority: 0, status: "running", ops: [op], receivedAt: 1, startedAt: 1, endedAt: null, submittedBy: "cli", logSerial: 0 };
}

test("cluster verify reports missing disks as errors and unknown ones as warnings, naming a job still changing disks", async (t) => {
  const current = state();
  current.jobs["5"] = runningCreate(5);
  const inventories: Record<string, DiskInventory> = {
    node1: { file: { disks: [stored(1), stored(9)] }, plain: noVolumeGroup },
    node2: { file: { disks: [] }, plain: { disks: [stored(2)] } },
    node3: { file: { disks: [] }, plain: noVolumeGroup },
  };
  const logged: string[] = [];
  const context = {
    state: () => current,
    masterName: "node1",
    jobId: 6,
    opIndex: 0,
    log: async (message: string) => void logged.push(message),
    services: {
      liveness: () => "alive",
      nodeRpc: async (node: string, method: string) => {
        if (method === "instance.disks.inventory") return inventories[node];
        if (method === "instance.report") return { domains: [], memoryMiB: 4096, freeMemoryMiB: 4096, cpus: 2, storage: { file: null, plain: null }, hypervisorUri: "test:///default" };
        throw new Error(`unexpected ${method}`);
      },
    },
  } as unknown as OpcodeContext;
  const { result } = await clusterVerify.run({}, context);
  const busy = "- WARNING: job 5: it is still changing instance disks (OP_INSTANCE_CREATE); what it makes or removes shows above until it ends.";
  const from = logged.indexOf("* Verifying instance disks");
  t.deepEqual(logged.slice(from, from + 6), [
    "* Verifying instance disks",
    `- ERROR: instance inst2: disk/1 (${diskUuid(3)}) is missing on node node2`,
    busy,
    "* Verifying orphan volumes",
    `- WARNING: node node1: disk file ${stored(9).location} is unknown`,
    busy,
  ]);
  t.like(result, { passed: false });
});
