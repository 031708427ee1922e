import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { parseBatchFile } from "../../../../src/cli/instance/batch-create.js";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { acceptedByOpcode, runCli, startInstanceApi } from "./fake-instance-api.js";

const FILE = {
  web10: { template: "plain", os: "debootstrap+default", disk_size: ["25G"], iallocator: "hail" },
  web2: {
    disk_template: "file",
    os: "debootstrap+default",
    disk_size: ["10G", 512],
    backend: { maxmem: 512, minmem: "256M", vcpus: 2 },
    hypervisor: "kvm",
    hvparams: { serial_console: false, kernel_path: "/boot/vmlinuz" },
    primary_node: "node1",
    nics: [{ link: "br1" }, { mode: "routed", link: "main", ip: "192.0.2.7" }],
    start: false,
  },
  db1: { template: "plain", os: "debootstrap", ram_size: 1024, primary: "node2", ip: "192.0.2.8", link: "br0", ip_check: false },
};

test("reads Ganeti's batch file into one OP_INSTANCE_CREATE per instance, in name order, each accepted by the opcode", (t) => {
  const jobs = parseBatchFile(JSON.stringify(FILE));
  t.deepEqual(jobs.map((job) => job.name), ["db1", "web2", "web10"]);
  t.deepEqual(jobs[0]!.ops, [
    { OP_ID: "OP_INSTANCE_CREATE", instance_name: "db1", os_type: "debootstrap", disk_template: "plain", disks: [{ size: 20480 }], nics: [{ ip: "192.0.2.8", link: "br0" }], pnode: "node2", beparams: { memory: 1024 }, ip_check: false },
  ]);
  t.deepEqual(jobs[1]!.ops, [
    {
      OP_ID: "OP_INSTANCE_CREATE",
      instance_name: "web2",
      os_type: "debootstrap+default",
      disk_template: "file",
      disks: [{ size: 10240 }, { size: 512 }],
      nics: [{ link: "br1" }, { mode: "routed", link: "main", ip: "192.0.2.7" }],
      pnode: "node1",
      beparams: { maxmem: 512, minmem: 256, vcpus: 2 },
      hvparams: { serial_console: false, kernel_path: "/boot/vmlinuz" },
      hypervisor: "kvm",
      start: false,
    },
  ]);
  t.deepEqual(jobs[2]!.ops, [{ OP_ID: "OP_INSTANCE_CREATE", instance_name: "web10", os_type: "debootstrap+default", disk_template: "plain", disks: [{ size: 25600 }], iallocator: "hail" }]);
  for (const job of jobs) acceptedByOpcode(job.ops[0]);
  t.pass();
});

test("a mistake in the file names the instance and the field", (t) => {
  const cases: Array<[unknown, string | RegExp]> = [
    [{ web1: { os: "deb" } }, "Instance web1: the field template is missing."],
    [{ web1: { template: "plain" } }, "Instance web1: the field os is missing."],
    [{ web1: { template: "plain", os: "deb", disk_size: ["10X"] } }, /^Invalid size "10X" for Instance web1\.disk_size\[0\]/],
    [{ web1: { template: "plain", os: "deb", disk_size: "10G" } }, 'Instance web1.disk_size: expected a list of sizes, such as ["10G"].'],
    [{ web1: { template: "plain", os: "deb", backend: { vcpus: "many" } } }, 'Instance web1.backend vcpus: expected an integer, not "many".'],
    [{ web1: { template: "plain", os: "deb", hvparams: { acpi: true } } }, /^Unknown kvm parameter "acpi" in Instance web1\.hvparams/],
    [{ web1: { template: "plain", os: "deb", hypervisor: "xen-pvm" } }, 'Instance web1.hypervisor: alkor runs instances under kvm only, not "xen-pvm".'],
    [{ web1: { template: "plain", os: "deb", swap_size: 1024 } }, "Instance web1: unknown field swap_size."],
    [{ web1: { template: "drbd", os: "deb" } }, /^Instance web1\.template: /],
    [{ web1: { template: "plain", os: "deb", nics: [{ link: "br0" }], ip: "192.0.2.1" } }, "Instance web1: the nics list cannot be combined with the single NIC's ip."],
    [{ web1: { template: "plain", os: "deb", nics: [{ mac: "nope" }] } }, /^Instance web1\.nics\[0\] mac: /],
    [{ web1: { template: "plain", os: "deb", ram_size: 512, backend: { memory: 256 } } }, "Instance web1: give the memory either as ram_size or in backend, not both."],
    [{ web1: { template: "plain", os: "deb", start: "yes" } }, "Instance web1.start: expected true or false."],
    [{ web1: { template: "plain", os: "deb", file_storage_dir: "/srv/x" } }, "Instance web1.file_storage_dir: alkor keeps file disks in the cluster's file storage directory."],
    [{ web_1: { template: "plain", os: "deb" } }, /^Instance web_1: name: /],
    [{ web1: "plain" }, "Instance web1: expected an object with its template, os and disk_size."],
    [[{ template: "plain" }], "The instance definition file is not in dict format: expected a JSON object of instance names and their specs."],
    [{}, "The instance definition file defines no instances."],
  ];
  for (const [document, message] of cases) t.throws(() => parseBatchFile(JSON.stringify(document)), { name: "UsageError", message }, JSON.stringify(document));
  t.throws(() => parseBatchFile("{not json"), { message: /^Can't parse the instance definition file: / });
});

test("batch-create submits one job per instance, follows them all, and sums up failures with exit status 1", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-batch-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "instances.json");
  await writeFile(file, JSON.stringify({ web1: FILE.web10, web2: FILE.web10 }));
  const jobs = new FakeJobQueue({
    script: (ops) =>
      ops[0]!.instance_name === "web2"
        ? { status: "error", error: { code: "insufficient_resources", message: "No node has 25600 MiB free.", phase: "prerequisites" } }
        : { status: "success", log: ["Instance web1 is in the configuration."], results: [["node1"]] },
  });
  const endpoint = await startInstanceApi(t, { jobs });
  const result = await runCli("alkor-instance", ["batch-create", file, "--endpoint", endpoint]);
  t.is(result.code, 1);
  t.deepEqual(jobs.submissions.map((submission) => submission.ops[0]!.instance_name), ["web1", "web2"]);
  t.is(
    result.stdout,
    ["Submitted jobs 1, 2", "Waiting for job 1 for web1 ...", "Tue Nov 24 14:00:02 2026 Instance web1 is in the configuration.", "Waiting for job 2 for web2 ...", ""].join("\n"),
  );
  t.is(
    result.stderr,
    "Job 2 for web2 has failed: Failure: prerequisites not met for this operation:\nerror type: insufficient_resources, error details:\nNo node has 25600 MiB free.\nThere were 1 errors during the creation.\n",
  );
});

test("batch-create says so when every instance was created; --submit only prints the job IDs", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-batch-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "instances.json");
  await writeFile(file, JSON.stringify({ web1: FILE.web10 }));
  const endpoint = await startInstanceApi(t, { jobs: new FakeJobQueue({ script: () => ({ status: "success", results: [["node1"]] }) }) });
  const done = await runCli("alkor-instance", ["batch-create", file, "--endpoint", endpoint]);
  t.is(done.code, 0, done.stderr);
  t.is(done.stdout, "Submitted jobs 1\nWaiting for job 1 for web1 ...\nAll instances created successfully.\n");
  const submitted = await runCli("alkor-instance", ["batch-create", file, "--submit", "--endpoint", endpoint]);
  t.is(submitted.code, 0, submitted.stderr);
  t.is(submitted.stdout, "2: web1\n");
});
