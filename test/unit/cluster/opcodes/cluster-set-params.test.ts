import test from "ava";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import { clusterSetParams } from "../../../../src/cluster/opcodes/cluster-set-params.js";
import type { OpcodeContext } from "../../../../src/cluster/opcodes/definition.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import { defaultInstanceDefaults, filledBeParams, type NewInstance } from "../../../../src/cluster/state/instance-schema.js";
import type { ClusterState } from "../../../../src/cluster/state/schema.js";
import { clusterNode, clusterState, newInstance } from "../fixtures.js";

// OP_CLUSTER_SET_PARAMS as the job queue takes it: the input checked and
// stored, the prerequisites checked against the state, the effects applied
// by the real state machine.

const instance = newInstance;

function stateWith(...instances: Array<NewInstance>): ClusterState {
  let state = clusterState([clusterNode(1)]);
  for (const added of instances) {
    const outcome = applyCommand(state, { kind: "instance.add", instance: added });
    if (outcome.refusal) throw new Error(outcome.refusal.message);
    state = outcome.state;
  }
  return state;
}

const fileDisk = { uuid: "22222222-0000-4000-8000-000000000001", name: null, sizeMiB: 1024, mode: "rw", format: "raw" } as const;

/** The context an opcode without side effects uses: the state only. */
function contextOf(state: ClusterState): OpcodeContext {
  return { state: () => state } as Partial<OpcodeContext> as OpcodeContext;
}

/** Submits the opcode as the queue does (validated, stored, parsed again), checks and runs it; answers the effects applied and the result. */
async function modify(state: ClusterState, params: Record<string, unknown>) {
  const [stored] = validateJobOps(opcodeTable, [{ OP_ID: "OP_CLUSTER_SET_PARAMS", ...params }]);
  const { OP_ID: _id, ...rest } = stored!;
  const parsed = clusterSetParams.params.parse(rest);
  clusterSetParams.check(parsed, contextOf(state));
  const outcome = await clusterSetParams.run(parsed, contextOf(state));
  let after = state;
  for (const effect of outcome.effects) {
    const applied = applyCommand(after, effect);
    if (applied.refusal) throw new Error(applied.refusal.message);
    after = applied.state;
  }
  return { effects: outcome.effects, result: outcome.result, after, stored };
}

function refusal(state: ClusterState, params: Record<string, unknown>): Promise<string> {
  return modify(state, params).then(
    () => {
      throw new Error("accepted");
    },
    (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
  );
}

test("Ganeti's shapes change the instance defaults in one instance.defaults effect, each group merged over the current one", async (t) => {
  const { effects, after, result } = await modify(stateWith(), {
    beparams: { default: { maxmem: 512, vcpus: 2 } },
    hvparams: { kvm: { serial_console: false, kernel_args: "ro quiet" } },
    nicparams: { default: { link: "br1" } },
    file_storage_dir: "/srv/alkor/disks",
    vg_name: "xenvg",
    mac_prefix: "aa:00:01",
  });
  const defaults = {
    beparams: { ...defaultInstanceDefaults.beparams, maxmem: 512, vcpus: 2 },
    hvparams: { ...defaultInstanceDefaults.hvparams, serial_console: false, kernel_args: "ro quiet" },
    nicparams: { mode: "bridged", link: "br1" },
    fileStorageDir: "/srv/alkor/disks",
    volumeGroup: "xenvg",
    macPrefix: "aa:00:01",
  } as const;
  t.deepEqual(effects, [{ kind: "instance.defaults", changes: defaults }]);
  t.deepEqual(after.instanceDefaults, defaults);
  t.deepEqual(result, [
    ["beparams", defaults.beparams],
    ["hvparams", { kvm: defaults.hvparams }],
    ["nicparams", defaults.nicparams],
    ["file_storage_dir", "/srv/alkor/disks"],
    ["vg_name", "xenvg"],
    ["mac_prefix", "aa:00:01"],
  ]);
});

test("flat beparams and nicparams are taken too, memory setting minmem and maxmem; the stored opcode keeps them flat", async (t) => {
  const { effects, stored } = await modify(stateWith(), { beparams: { memory: 256, spindle_use: 1 }, nicparams: { mode: "routed", link: "100" } });
  t.deepEqual(stored, { OP_ID: "OP_CLUSTER_SET_PARAMS", beparams: { memory: 256, spindle_use: 1 }, nicparams: { mode: "routed", link: "100" } });
  t.deepEqual(effects, [
    { kind: "instance.defaults", changes: { beparams: { ...defaultInstanceDefaults.beparams, minmem: 256, maxmem: 256 }, nicparams: { mode: "routed", link: "100" } } },
  ]);
});

test("the cluster's own settings alone change no instance default", async (t) => {
  const { effects } = await modify(stateWith(), { candidate_pool_size: 7, job_archive_age: 600 });
  t.deepEqual(
    effects.map((effect) => effect.kind),
    ["cluster.modify", "queue.modify"],
  );
});

test("bad values are refused as wrong_input when the job is submitted, naming the parameter", async (t) => {
  const state = stateWith();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ beparams: { default: { vcpus: 0 } } }, /parameter beparams\.vcpus: Too small/],
    [{ beparams: { maxmem: "lots" } }, /parameter beparams\.maxmem: /],
    [{ beparams: { default: { vcpus: 2 }, maxmem: 256 } }, /parameter beparams\.default: not a backend parameter; give \{"default": \{\.\.\.\}\} or the parameters themselves: maxmem, minmem, vcpus/],
    [{ hvparams: { "xen-pvm": { kernel_path: "" } } }, /parameter hvparams\.xen-pvm: hypervisor parameters go under "kvm", the only hypervisor alkor runs/],
    [{ hvparams: { serial_console: false } }, /parameter hvparams\.serial_console: hypervisor parameters go under "kvm"/],
    [{ hvparams: { kvm: { boot_order: "floppy" } } }, /parameter hvparams\.kvm\.boot_order: /],
    [{ hvparams: { kvm: { kernel_path: "vmlinuz" } } }, /parameter hvparams\.kvm\.kernel_path: must be an absolute path/],
    [{ nicparams: { default: { mode: "nat" } } }, /parameter nicparams\.mode: /],
    [{ nicparams: { default: { mac: "aa:00:00:00:00:01" } } }, /parameter nicparams\.mac: not a NIC parameter; .*: mode, link/],
    [{ file_storage_dir: "srv/disks" }, /parameter file_storage_dir: must be an absolute path/],
    [{ file_storage_dir: `/${"d".repeat(1024)}` }, /parameter file_storage_dir: Too big/],
    [{ file_storage_dir: "/srv/../etc" }, /parameter file_storage_dir: must be an absolute path without \. or \.\. components/],
    [{ vg_name: "-vg" }, /parameter vg_name: must be an LVM volume group name/],
    [{ mac_prefix: "AA:00:00" }, /parameter mac_prefix: must be three lower-case hex pairs/],
    [{ mac_prefix: "ab:00:00" }, /parameter mac_prefix: must be unicast \(the first octet even\)/],
  ];
  for (const [params, message] of cases) {
    const said = await refusal(state, params);
    t.true(said.startsWith("wrong_input: Opcode 0 (OP_CLUSTER_SET_PARAMS): "), said);
    t.regex(said, message, JSON.stringify(params));
  }
});

test("nothing to change is refused", async (t) => {
  t.is(await refusal(stateWith(), {}), "wrong_input: Nothing to change: give at least one option.");
});

test("minmem may not end above maxmem once merged with the current defaults", async (t) => {
  t.is(
    await refusal(stateWith(), { beparams: { minmem: 256 } }),
    "wrong_input: Parameter beparams: the default minmem (256 MiB) would be above the default maxmem (128 MiB).",
  );
  const { after } = await modify(stateWith(), { beparams: { minmem: 256, maxmem: 1024 } });
  t.like(after.instanceDefaults.beparams, { minmem: 256, maxmem: 1024 });
});

test("new defaults that would put an instance's minmem above its own maxmem are refused, naming the instance", async (t) => {
  const state = stateWith(instance(1, { beparams: { maxmem: 128 } }), instance(2));
  t.is(
    await refusal(state, { beparams: { minmem: 256, maxmem: 512 } }),
    "wrong_input: Parameter beparams: instance inst1 would run with minmem 256 MiB, above its maxmem 128 MiB (its own values over the new defaults).",
  );
});

test("the file storage directory and volume group cannot move from under disks made there", async (t) => {
  const state = stateWith(instance(1, { diskTemplate: "file", disks: [fileDisk] }), instance(2, { diskTemplate: "plain", disks: [{ ...fileDisk, uuid: "22222222-0000-4000-8000-000000000002" }] }));
  t.is(
    await refusal(state, { file_storage_dir: "/srv/elsewhere" }),
    "wrong_state: Instance(s) inst1 keep their disks in the file storage directory /srv/alkor/file-storage, which cannot change while they do.",
  );
  t.is(await refusal(state, { vg_name: "xenvg" }), "wrong_state: Instance(s) inst2 keep their disks in volume group alkor, which cannot change while they do.");
  const same = await modify(state, { file_storage_dir: defaultInstanceDefaults.fileStorageDir, vg_name: "alkor" });
  t.deepEqual(same.effects, [], "giving the current values changes nothing");
  const diskless = await modify(stateWith(instance(3)), { file_storage_dir: "/srv/elsewhere", vg_name: "xenvg" });
  t.like(diskless.after.instanceDefaults, { fileStorageDir: "/srv/elsewhere", volumeGroup: "xenvg" });
});

test("instances without overrides take the new defaults; their own values stay theirs", async (t) => {
  const { after } = await modify(stateWith(instance(1), instance(2, { beparams: { vcpus: 4 } })), { beparams: { vcpus: 2, maxmem: 512 } });
  const filled = (n: number) => filledBeParams(after.instances[`11111111-0000-4000-8000-00000000000${n}`]!, after.instanceDefaults);
  t.like(filled(1), { vcpus: 2, maxmem: 512 });
  t.like(filled(2), { vcpus: 4, maxmem: 512 });
});
