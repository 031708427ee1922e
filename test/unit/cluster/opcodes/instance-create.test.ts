import test from "ava";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import type { OpcodeContext } from "../../../../src/cluster/opcodes/definition.js";
import { instanceCreate } from "../../../../src/cluster/opcodes/instance-create.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { ClusterState, ObjectCommand } from "../../../../src/cluster/state/schema.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { InstanceRunSpec, NodeInstanceReport } from "../../../../src/node/instance-rpc-methods.js";
import { clusterNode, clusterState } from "../fixtures.js";

// OP_INSTANCE_CREATE against the real state machine and a scripted primary:
// the instance is committed (and given its network port) before its domain
// is defined, and a define that fails takes the commit back.

const report: NodeInstanceReport = { domains: [], memoryMiB: 4096, freeMemoryMiB: 3000, cpus: 4, storage: { file: 100_000, plain: null }, hypervisorUri: "test:///default" };

/** Runs the opcode as the queue does; `failing` names the node RPC method that fails. Answers the final state, the RPCs asked and the log. */
async function create(failing?: string) {
  let state: ClusterState = clusterState([clusterNode(1)]);
  const calls: Array<{ method: string; params: unknown }> = [];
  const logged: string[] = [];
  let uuids = 0;
  const [stored] = validateJobOps(opcodeTable, [
    { OP_ID: "OP_INSTANCE_CREATE", instance_name: "web1", mode: "create", disk_template: "file", disks: [{ size: 64 }], nics: [{ mac: "aa:00:00:12:34:56" }], os_type: "alkor-image+blank", pnode: "node1", no_install: true, start: false },
  ]);
  const { OP_ID: _id, ...rest } = stored!;
  const params = instanceCreate.params.parse(rest);
  const context = {
    state: () => state,
    clock: { now: () => 1000 },
    log: async (message: string) => void logged.push(message),
    propose: async (command: ObjectCommand) => {
      const outcome = applyCommand(state, command);
      if (outcome.refusal) throw new AlkorError(outcome.refusal.code, outcome.refusal.message);
      state = outcome.state;
    },
    services: {
      random: { uuid: () => `33333333-0000-4000-8000-${String(++uuids).padStart(12, "0")}`, int: () => 0 },
      nodeRpc: async (_node: string, method: string, rpcParams: unknown) => {
        calls.push({ method, params: rpcParams });
        if (method === failing) throw new AlkorError("environment_error", `libvirt refused: ${method} failed.`);
        if (method === "instance.report") return report;
        if (method === "os.list") return { definitions: [{ name: "alkor-image", variants: ["blank"], valid: true, problems: [], parameters: [], apiVersions: [20] }] };
        return {};
      },
    },
  } as unknown as OpcodeContext;
  instanceCreate.check(params, context);
  const outcome = await instanceCreate.run(params, context).then(
    () => null,
    (error: unknown) => error as AlkorError,
  );
  return { state, calls, logged, error: outcome };
}

test("the instance is in the configuration with its network port before its domain is defined, which gets that port", async (t) => {
  const { state, calls, error } = await create();
  t.is(error, null);
  const [instance] = Object.values(state.instances);
  t.is(instance?.networkPort, 11_000);
  const define = calls.find((call) => call.method === "instance.define");
  t.is((define?.params as { spec: InstanceRunSpec }).spec.networkPort, 11_000);
});

test("a define that fails takes the instance out of the configuration again and removes its domain and disks", async (t) => {
  const { state, calls, logged, error } = await create("instance.define");
  t.is(error?.message, "libvirt refused: instance.define failed.");
  t.deepEqual(state.instances, {}, "no configuration entry is left");
  t.deepEqual(
    calls.map((call) => call.method).slice(-3),
    ["instance.define", "instance.undefine", "instance.disks.remove"],
    "the domain and then the disks are removed",
  );
  t.true(logged.includes("Creating instance web1 failed; removing what was made on node1."));
});
