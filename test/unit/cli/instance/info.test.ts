import test from "ava";
import { formatInstanceInfo, paramsInfo } from "../../../../src/cli/instance/info.js";
import { SAMPLE_VIEWS, runCli, startInstanceApi } from "./fake-instance-api.js";

// Times print in local time, as Ganeti prints them.
process.env.TZ = "UTC";

const [web10, web1, db2] = SAMPLE_VIEWS as [typeof SAMPLE_VIEWS[0], typeof SAMPLE_VIEWS[0], typeof SAMPLE_VIEWS[0]];

test("shows an instance in Ganeti's info layout", (t) => {
  t.deepEqual(formatInstanceInfo(db2), [
    "Instance name: db2",
    "  UUID: 5b9e1f0c-7d3a-4e2b-9c1d-0a1b2c3d4e02",
    "  Serial number: 3",
    "  Creation time: 2026-11-24 14:00:00",
    "  Modification time: 2026-11-24 14:01:00",
    "  State: configured to be down, actual state is stopped",
    "  Status: ADMIN_down",
    "  Nodes:",
    "    primary: node2",
    "    secondaries: none",
    "  Operating system: debootstrap+minimal",
    "  Operating system parameters: {}",
    "  Allocated network port: 11000",
    "  Hypervisor: kvm",
    "  Console connection: none",
    "  Hypervisor parameters:",
    '    boot_order: default ("disk")',
    '    initrd_path: default ("")',
    '    kernel_args: default ("ro")',
    '    kernel_path: "/boot/vmlinuz"',
    '    root_path: default ("/dev/vda1")',
    "    serial_console: default (false)",
    '    vnc_bind_address: default ("")',
    "  Back-end parameters:",
    "    always_failover: default (false)",
    "    auto_balance: default (true)",
    "    maxmem: 2048",
    "    minmem: 1024",
    "    vcpus: 4",
    "  Hardware:",
    "    VCPUs: 4",
    "    Memory: 2.0G (minimum 1.0G)",
    "    Runtime memory: none (not running)",
    "  NICs:",
    "    - nic/0: aa:00:00:ab:cd:ef",
    "      IP: 192.0.2.20",
    "      mode: routed",
    "      link: main",
    "      name: lan",
    "      UUID: e0000000-0000-4000-8000-000000000002",
    "  Disk template: plain",
    "  Disks active: no",
    "  Disks:",
    "    - disk/0: plain, size 20.0G",
    "      access mode: rw",
    "      format: raw",
    "      name: root",
    "      UUID: d0000000-0000-4000-8000-000000000002",
    "    - disk/1: plain, size 512M",
    "      access mode: ro",
    "      format: raw",
    "      name: none",
    "      UUID: d0000000-0000-4000-8000-000000000003",
  ]);
});

test("says the actual state is running, or unknown and why when the primary did not answer", (t) => {
  t.true(formatInstanceInfo(web1).includes("  State: configured to be up, actual state is running"));
  t.true(formatInstanceInfo(web1).includes("    Runtime memory: 512M"));
  t.true(formatInstanceInfo(web10).includes("  State: configured to be up, actual state is unknown (node node10 is dead)"));
});

test("the console connection names the serial console and where VNC listens, by node for a wildcard address", (t) => {
  const consoleOf = (view: typeof web1) => formatInstanceInfo(view).find((line) => line.startsWith("  Console connection: "));
  const vnc = (address: string) => ({ ...web1, hvparams: { ...web1.hvparams, vnc_bind_address: address } });
  t.is(consoleOf(web1), "  Console connection: serial, alkor-instance console web1");
  t.is(consoleOf(vnc("0.0.0.0")), "  Console connection: serial, alkor-instance console web1; vnc to node1:11000 (display 5100)");
  t.is(consoleOf(vnc("192.0.2.1")), "  Console connection: serial, alkor-instance console web1; vnc to 192.0.2.1:11000 (node node1) (display 5100)");
  t.is(consoleOf(vnc("::1")), "  Console connection: serial, alkor-instance console web1; vnc to [::1]:11000 (node node1) (display 5100)");
  t.is(consoleOf({ ...vnc("127.0.0.1"), networkPort: null }), "  Console connection: serial, alkor-instance console web1; vnc on 127.0.0.1, at a port libvirt chose");
});

test("marks parameters the instance does not set itself as the cluster's defaults", (t) => {
  t.deepEqual(paramsInfo({ vcpus: 2 }, { vcpus: 2, maxmem: 128 }), { maxmem: "default (128)", vcpus: "2" });
});

test("alkor-instance info shows the named instances, or all in name order, and fails for an unknown one", async (t) => {
  const endpoint = await startInstanceApi(t);
  const all = await runCli("alkor-instance", ["info", "--endpoint", endpoint]);
  t.is(all.code, 0, all.stderr);
  t.deepEqual(all.stdout.split("\n").filter((line) => line.startsWith("Instance name:")), ["Instance name: db2", "Instance name: web1", "Instance name: web10"]);
  const one = await runCli("alkor-instance", ["show", "web1", "--endpoint", endpoint]);
  t.true(one.stdout.startsWith("Instance name: web1\n  UUID: "));
  const unknown = await runCli("alkor-instance", ["info", "nosuch", "--endpoint", endpoint]);
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "Instance nosuch does not exist.\n");
});
