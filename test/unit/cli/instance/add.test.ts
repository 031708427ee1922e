import test from "ava";
import { instanceCreateOp, type AddOptions } from "../../../../src/cli/instance/add.js";
import { acceptedByOpcode, runCli, startInstanceApi, succeeding } from "./fake-instance-api.js";

function options(overrides: Partial<AddOptions> = {}): AddOptions {
  return { osType: "debootstrap+default", diskTemplate: "plain", osSize: "10G", nics: true, start: true, install: true, ipCheck: true, nameCheck: true, ...overrides };
}

test("builds OP_INSTANCE_CREATE from Ganeti's add options, and the opcode accepts it", (t) => {
  const op = instanceCreateOp(
    "web1",
    options({
      osSize: undefined,
      node: "node1",
      disk: ["1:size=512M,mode=ro,name=swap", "0:size=10G,format=qcow2"],
      diskTemplate: "file",
      backendParameters: "maxmem=1G,minmem=512,vcpus=2,auto_balance=false,always_failover",
      hypervisorParameters: "kvm:kernel_path=/boot/vmlinuz,serial_console=false",
      net: ["0:link=br1,ip=192.0.2.5,mac=aa:00:00:00:00:01", "1:mode=routed,link=main,name=back"],
      osParameters: "dhcp=yes,suite=bookworm",
      start: false,
      install: false,
      ipCheck: false,
      nameCheck: false,
    }),
  );
  t.deepEqual(op, {
    OP_ID: "OP_INSTANCE_CREATE",
    instance_name: "web1",
    os_type: "debootstrap+default",
    disk_template: "file",
    disks: [{ size: 10240, format: "qcow2" }, { size: 512, mode: "ro", name: "swap" }],
    nics: [{ link: "br1", ip: "192.0.2.5", mac: "aa:00:00:00:00:01" }, { mode: "routed", link: "main", name: "back" }],
    pnode: "node1",
    beparams: { maxmem: 1024, minmem: 512, vcpus: 2, auto_balance: false, always_failover: true },
    hvparams: { kernel_path: "/boot/vmlinuz", serial_console: false },
    hypervisor: "kvm",
    osparams: { dhcp: "yes", suite: "bookworm" },
    start: false,
    no_install: true,
    ip_check: false,
    name_check: false,
  });
  t.like(acceptedByOpcode(op), { instance_name: "web1", disk_template: "file", hypervisor: "kvm" });
});

test("-s gives one disk; without --net the opcode's one default NIC is left to it; -I names the allocator", (t) => {
  const op = instanceCreateOp("web2", options({ iallocator: "hail", backendParameters: "memory=768" }));
  t.deepEqual(op, {
    OP_ID: "OP_INSTANCE_CREATE",
    instance_name: "web2",
    os_type: "debootstrap+default",
    disk_template: "plain",
    disks: [{ size: 10240 }],
    iallocator: "hail",
    beparams: { memory: 768 },
    start: true,
    no_install: false,
  });
  t.deepEqual(acceptedByOpcode(op).nics, [{}]);
});

test("-H takes kvm parameters with or without Ganeti's kvm: prefix, and refuses other hypervisors", (t) => {
  t.like(instanceCreateOp("a", options({ hypervisorParameters: "boot_order=cdrom" })), { hvparams: { boot_order: "cdrom" } });
  t.false("hypervisor" in instanceCreateOp("a", options({ hypervisorParameters: "boot_order=cdrom" })));
  t.like(instanceCreateOp("a", options({ hypervisorParameters: "vnc_bind_address=::1" })), { hvparams: { vnc_bind_address: "::1" } });
  t.like(instanceCreateOp("a", options({ hypervisorParameters: "kvm" })), { hvparams: {}, hypervisor: "kvm" });
  t.like(instanceCreateOp("a", options({ hypervisorParameters: "no_serial_console" })), { hvparams: { serial_console: false } });
  t.like(instanceCreateOp("a", options({ hypervisorParameters: "serial_console" })), { hvparams: { serial_console: true } });
  t.throws(() => instanceCreateOp("a", options({ hypervisorParameters: "xen-pvm:kernel_path=/x" })), { message: '-H: alkor runs instances under kvm only, not "xen-pvm".' });
  t.throws(() => instanceCreateOp("a", options({ hypervisorParameters: "kvm:acpi=true" })), { message: /^Unknown kvm parameter "acpi" in -H; known: kernel_path, / });
  t.throws(() => instanceCreateOp("a", options({ hypervisorParameters: "serial_console=maybe" })), { message: '-H serial_console: expected true or false, not "maybe".' });
  t.throws(() => instanceCreateOp("a", options({ hypervisorParameters: "boot_order=floppy" })), { message: /^-H boot_order: / });
});

test("bad input is a usage error naming the option", (t) => {
  const cases: Array<[Partial<AddOptions>, RegExp | string]> = [
    [{ backendParameters: "maxmem=lots" }, 'Invalid size "lots" for -B maxmem: expected MiB or a number with M, G or T, such as 512M, 10G or 1T.'],
    [{ backendParameters: "vcpus=two" }, '-B vcpus: expected an integer, not "two".'],
    [{ backendParameters: "cpu_cap=1" }, /^Unknown backend parameter "cpu_cap" in -B; known: maxmem, /],
    [{ backendParameters: "vcpus=0" }, /^-B vcpus: /],
    [{ backendParameters: "-vcpus" }, "-B vcpus: alkor cannot reset a parameter to its default here; give a value."],
    [{ osSize: undefined, disk: ["0:size=1G", "2:size=1G"] }, "--disk 1 is missing: indices count from 0 without gaps."],
    [{ osSize: undefined, disk: ["0:size=1G", "0:size=2G"] }, "--disk 0 is given twice."],
    [{ osSize: undefined, disk: ["0:mode=ro"] }, "--disk 0: missing size=SIZE."],
    [{ osSize: undefined, disk: ["0:size=1Q"] }, /^Invalid size "1Q" for --disk 0 size/],
    [{ osSize: undefined, disk: ["0:adopt=lv0"] }, "--disk 0: alkor does not adopt existing volumes; give size=SIZE."],
    [{ osSize: undefined, disk: ["x:size=1G"] }, 'Invalid index "x" in --disk: expected 0 to 15.'],
    [{ disk: ["0:size=1G"] }, "Give either -s or --disk, not both."],
    [{ diskTemplate: "diskless" }, "The diskless template takes no disks; leave out -s and --disk."],
    [{ osSize: undefined }, "The plain template needs a disk: give -s SIZE or --disk 0:size=SIZE."],
    [{ diskTemplate: "drbd" }, /^-t: /],
    [{ diskTemplate: undefined }, "Give the disk template with -t (diskless, file or plain)."],
    [{ osType: undefined }, "Give the instance's OS with -o OS[+VARIANT] (alkor-os list shows them)."],
    [{ net: ["0:mac=zz"] }, /^--net 0 mac: /],
    [{ net: ["0:colour=red"] }, /^Unknown NIC parameter "colour" in --net 0/],
    [{ net: ["0:link=br0"], nics: false }, "Give either --net or --no-nics, not both."],
    [{ node: "node1", iallocator: "hail" }, "Give either -n or -I, not both."],
    [{ node: "node1:" }, 'Invalid -n "node1:": expected PRIMARY or PRIMARY:SECONDARY.'],
    [{ osParameters: "Dhcp=yes" }, '-O: OS parameter names are lower-case words, not "Dhcp".'],
  ];
  for (const [overrides, message] of cases) {
    t.throws(() => instanceCreateOp("web1", options(overrides)), { name: "UsageError", message }, JSON.stringify(overrides));
  }
  t.throws(() => instanceCreateOp("web_1", options()), { message: /^INSTANCE: / });
});

test("--no-nics creates no NIC, a diskless instance no disk, and -n node:secondary both nodes", (t) => {
  t.like(instanceCreateOp("a", options({ nics: false, diskTemplate: "diskless", osSize: undefined, node: "node1:node2" })), { nics: [], disks: [], pnode: "node1", snode: "node2" });
});

test("alkor-instance add submits the opcode as a job and says where the instance was created", async (t) => {
  const jobs = succeeding([["node2"]]);
  const endpoint = await startInstanceApi(t, { jobs });
  const result = await runCli("alkor-instance", ["add", "-t", "plain", "-o", "debootstrap+default", "--disk", "0:size=8G", "--net", "0:mode=bridged,link=br22", "-B", "memory=512,vcpus=2", "--no-ip-check", "--no-name-check", "-n", "node2", "web3", "--endpoint", endpoint]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Instance web3 was created on node2.\n");
  t.deepEqual(jobs.submissions[0]?.ops, [
    {
      OP_ID: "OP_INSTANCE_CREATE",
      instance_name: "web3",
      os_type: "debootstrap+default",
      disk_template: "plain",
      disks: [{ size: 8192 }],
      nics: [{ mode: "bridged", link: "br22" }],
      pnode: "node2",
      beparams: { memory: 512, vcpus: 2 },
      start: true,
      no_install: false,
      ip_check: false,
      name_check: false,
    },
  ]);
});

test("alkor-instance add with a bad size fails with exit status 2 before submitting anything", async (t) => {
  const jobs = succeeding();
  const result = await runCli("alkor-instance", ["add", "-t", "plain", "-o", "debootstrap", "-s", "10X", "web3", "--endpoint", await startInstanceApi(t, { jobs })]);
  t.is(result.code, 2);
  t.is(result.stderr, 'error: Invalid size "10X" for -s: expected MiB or a number with M, G or T, such as 512M, 10G or 1T.\n');
  t.deepEqual(jobs.submissions, []);
});
