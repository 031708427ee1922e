import test from "ava";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import type { OpcodeContext } from "../../../../src/cluster/opcodes/definition.js";
import { instanceStartup } from "../../../../src/cluster/opcodes/instance-startup.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { ClusterState, ObjectCommand } from "../../../../src/cluster/state/schema.js";
import type { DomainRuntime } from "../../../../src/host/hypervisor/hypervisor.js";
import type { InstanceRunSpec, NodeInstanceReport } from "../../../../src/node/instance-rpc-methods.js";
import { clusterNode, clusterState, newInstance } from "../fixtures.js";

// OP_INSTANCE_STARTUP with Ganeti's temporary -B/-H: the primary is asked to
// start the domain with them, and the configuration keeps its own.

function state(): ClusterState {
  const outcome = applyCommand(clusterState([clusterNode(1)]), {
    kind: "instance.add",
    instance: newInstance(1, { name: "web1", beparams: { maxmem: 256, minmem: 128 }, hvparams: { kernel_args: "quiet" } }),
  });
  if (outcome.refusal) throw new Error(outcome.refusal.message);
  return outcome.state;
}

function report(domains: DomainRuntime[] = []): NodeInstanceReport {
  return { domains, memoryMiB: 4096, freeMemoryMiB: 3000, cpus: 4, storage: { file: null, plain: null }, hypervisorUri: "test:///default" };
}

/** Runs the opcode as the queue does (input validated and parsed) against a primary that reports `domains`; answers what it asked, proposed and logged. */
async function startup(params: Record<string, unknown>, domains: DomainRuntime[] = []) {
  const [stored] = validateJobOps(opcodeTable, [{ OP_ID: "OP_INSTANCE_STARTUP", instance_name: "web1", ...params }]);
  const { OP_ID: _id, ...rest } = stored!;
  const parsed = instanceStartup.params.parse(rest);
  const started: InstanceRunSpec[] = [];
  const proposed: ObjectCommand[] = [];
  const logged: string[] = [];
  const context = {
    state,
    clock: { now: () => 1000 },
    log: async (message: string) => void logged.push(message),
    propose: async (command: ObjectCommand) => void proposed.push(command),
    services: {
      nodeRpc: async (_node: string, method: string, rpcParams: { spec?: InstanceRunSpec }) => {
        if (method === "instance.report") return report(domains);
        if (method === "instance.start") return void started.push(rpcParams.spec!);
        throw new Error(`unexpected ${method}`);
      },
    },
  } as unknown as OpcodeContext;
  instanceStartup.check(parsed, context);
  await instanceStartup.run(parsed, context);
  return { started, proposed, logged };
}

test("temporary -B and -H reach the started domain; the configuration keeps its own values", async (t) => {
  const { started, proposed, logged } = await startup({ beparams: { maxmem: 1024, vcpus: 2 }, hvparams: { kernel_args: "single" } });
  t.is(started.length, 1);
  t.like(started[0]!, { memoryMiB: 1024, maxMemoryMiB: 1024, vcpus: 2, hvparams: { kernel_args: "single" } });
  t.deepEqual(proposed, [{ kind: "instance.modify", uuid: newInstance(1).uuid, changes: { adminState: "up", adminStateSource: "admin" }, at: 1000 }]);
  t.regex(logged.at(-1)!, /^The temporary parameters hold until the instance is next shut down, or rebooted hard or full\.$/);
});

test("without temporary parameters the instance starts with its own, and nothing is said of them", async (t) => {
  const { started, logged } = await startup({});
  t.like(started[0]!, { memoryMiB: 256, maxMemoryMiB: 256, vcpus: 1, hvparams: { kernel_args: "quiet" } });
  t.false(logged.some((line) => line.includes("temporary")));
});

test("temporary memory below the instance's minmem, or a bad value, is refused before anything runs", async (t) => {
  await t.throwsAsync(startup({ beparams: { maxmem: 64 } }), { message: "Instance web1: minmem (128 MiB) is above maxmem (64 MiB)." });
  t.throws(() => validateJobOps(opcodeTable, [{ OP_ID: "OP_INSTANCE_STARTUP", instance_name: "web1", hvparams: { boot_order: "floppy" } }]), { message: /boot_order/ });
});

test("an instance already running keeps running as it is, and the log says the temporary parameters were not applied", async (t) => {
  const running: DomainRuntime = { name: "web1", uuid: "x", state: "running", memoryMiB: 256, maxMemoryMiB: 256, vcpus: 1, cpuTimeNs: 0 };
  const { started, logged } = await startup({ beparams: { maxmem: 1024 } }, [running]);
  t.deepEqual(started, []);
  t.is(logged.at(-1), "The temporary parameters were not applied: the instance was already running.");
});
