import test from "ava";
import { clusterSetParamsOp } from "../../../../src/cli/cluster/modify.js";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { FakeClusterControl, startClusterApi } from "../fake-cluster-control.js";
import { runCommand } from "../run-cli.js";

test("-B, -H, -N and the storage and MAC options build OP_CLUSTER_SET_PARAMS in Ganeti's shape, which the opcode accepts", (t) => {
  const { op, changes } = clusterSetParamsOp({
    backendParameters: "maxmem=1G,minmem=512,vcpus=2,no_auto_balance",
    hypervisorParameters: "kvm:serial_console=false,kernel_path=/boot/vmlinuz",
    nicParameters: "mode=routed,link=100",
    fileStorageDir: "/srv/disks",
    vgName: "xenvg",
    macPrefix: "aa:00:01",
  });
  t.deepEqual(op, {
    OP_ID: "OP_CLUSTER_SET_PARAMS",
    beparams: { maxmem: 1024, minmem: 512, vcpus: 2, auto_balance: false },
    hvparams: { kvm: { serial_console: false, kernel_path: "/boot/vmlinuz" } },
    nicparams: { mode: "routed", link: "100" },
    file_storage_dir: "/srv/disks",
    vg_name: "xenvg",
    mac_prefix: "aa:00:01",
  });
  t.deepEqual(validateJobOps(opcodeTable, [op]), [op]);
  t.deepEqual(changes, [
    "default backend parameters maxmem=1024,minmem=512,vcpus=2,auto_balance=false",
    "default kvm parameters kernel_path=/boot/vmlinuz,serial_console=false",
    "default NIC parameters mode=routed,link=100",
    "file storage directory /srv/disks",
    "volume group xenvg",
    "MAC prefix aa:00:01",
  ]);
});

test("-H takes the hypervisor's name or not, as alkor-instance's -H does", (t) => {
  t.deepEqual(clusterSetParamsOp({ hypervisorParameters: "no_serial_console" }).op, { OP_ID: "OP_CLUSTER_SET_PARAMS", hvparams: { kvm: { serial_console: false } } });
  t.deepEqual(clusterSetParamsOp({ hypervisorParameters: "boot_order=cdrom" }).op, { OP_ID: "OP_CLUSTER_SET_PARAMS", hvparams: { kvm: { boot_order: "cdrom" } } });
  t.throws(() => clusterSetParamsOp({ hypervisorParameters: "xen-pvm:kernel_path=/boot/x" }), { message: '-H: alkor runs instances under kvm only, not "xen-pvm".' });
});

test("bad -B, -H and -N values are refused before anything is submitted, naming the option and key", (t) => {
  t.throws(() => clusterSetParamsOp({ backendParameters: "vcpus=many" }), { message: '-B vcpus: expected an integer, not "many".' });
  t.throws(() => clusterSetParamsOp({ backendParameters: "colour=red" }), { message: /^Unknown backend parameter "colour" in -B/ });
  t.throws(() => clusterSetParamsOp({ hypervisorParameters: "boot_order=floppy" }), { message: /^-H boot_order: / });
  t.throws(() => clusterSetParamsOp({ nicParameters: "mode=nat" }), { message: /^-N mode: / });
  t.throws(() => clusterSetParamsOp({ nicParameters: "link=br1,mac=aa:00:00:00:00:01" }), {
    message: "-N sets the cluster's NIC defaults, mode and link; each NIC has its own mac (alkor-instance modify --net).",
  });
  t.throws(() => clusterSetParamsOp({}), { message: /^Nothing to change: give --candidate-pool-size, --job-archive-age, -B, -H, -N, / });
});

test("modify -B/-H/-N runs one job and says what changed", async (t) => {
  const jobs = new FakeJobQueue({ script: () => ({ status: "success", results: [[]] }) });
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const result = await runCommand("alkor-cluster", ["modify", "-B", "memory=256", "-H", "kvm:vnc_bind_address=127.0.0.1", "-N", "link=br1", "--mac-prefix", "aa:00:02", "--endpoint", endpoint]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Modified the cluster: default backend parameters memory=256, default kvm parameters vnc_bind_address=127.0.0.1, default NIC parameters link=br1, MAC prefix aa:00:02.\n");
  t.deepEqual(jobs.submissions.map((submission) => submission.ops), [
    [{ OP_ID: "OP_CLUSTER_SET_PARAMS", beparams: { memory: 256 }, hvparams: { kvm: { vnc_bind_address: "127.0.0.1" } }, nicparams: { link: "br1" }, mac_prefix: "aa:00:02" }],
  ]);
});

test("modify with a bad -N fails with exit status 2, submitting nothing", async (t) => {
  const jobs = new FakeJobQueue();
  const result = await runCommand("alkor-cluster", ["modify", "-N", "ip=192.0.2.1", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 2);
  t.is(result.stderr, "error: -N sets the cluster's NIC defaults, mode and link; each NIC has its own ip (alkor-instance modify --net).\n");
  t.deepEqual(jobs.submissions, []);
});
