import test from "ava";
import { formatInstanceList, parseSelection, selectInstances } from "../../../../src/cli/instance/list.js";
import { SAMPLE_VIEWS, runCli, sampleView, startInstanceApi } from "./fake-instance-api.js";

// Times print in local time, as Ganeti prints them.
process.env.TZ = "UTC";

const ALIGNED = { headers: true };

function names(args: string[], forceFilter = false): string[] {
  return selectInstances(SAMPLE_VIEWS, parseSelection(args, forceFilter)).map((view) => view.name);
}

test("lists Ganeti's default fields: Instance Hypervisor OS Primary_node Status Memory, with ? for no data and - for a stopped instance", (t) => {
  t.deepEqual(formatInstanceList(selectInstances(SAMPLE_VIEWS, { kind: "all" }), ALIGNED), [
    "Instance Hypervisor OS                  Primary_node Status         Memory",
    "db2      kvm        debootstrap+minimal node2        ADMIN_down          -",
    "web1     kvm        debootstrap+default node1        running          512M",
    "web10    kvm        debootstrap+default node10       ERROR_nodedown      ?",
  ]);
});

test("shows the fields -o names, parameters and per-index ones included, formatted by kind", (t) => {
  const db2 = SAMPLE_VIEWS.find((view) => view.name === "db2")!;
  const web1 = SAMPLE_VIEWS.find((view) => view.name === "web1")!;
  const output = "name,be/maxmem,be/vcpus,oper_state,disk.count,disk.sizes,disk.size/1,nic.mac/0,nic.ips,snodes,tags,hv/serial_console,ctime";
  t.deepEqual(formatInstanceList([db2, web1], { ...ALIGNED, output }), [
    "Instance ConfigMaxMem ConfigVCPUs Running Disks Disk_sizes Disk/1 NicMAC/0          NIC_IPs    Secondary_Nodes Tags     Serial_console CTime",
    "db2              2.0G           4 N           2 20480,512    512M aa:00:00:ab:cd:ef 192.0.2.20                          N              2026-11-24 14:00:00",
    "web1             512M           2 Y           1 10240           - aa:00:00:12:34:56 -                          web,prod Y              2026-11-24 14:00:00",
  ]);
});

test("+FIELDS adds to the defaults; --separator and --no-headers give script-friendly lines with sizes in MiB", (t) => {
  const web1 = SAMPLE_VIEWS.find((view) => view.name === "web1")!;
  t.deepEqual(formatInstanceList([web1], { headers: false, separator: "|", output: "+admin_state,oper_vcpus" }), ["web1|kvm|debootstrap+default|node1|running|512|up|2"]);
  t.deepEqual(formatInstanceList([web1], { headers: true, separator: ":", units: "g", output: "name,be/minmem" }), ["Instance:ConfigMinMem", "web1:0.3"]);
});

test("an unknown field is a usage error", (t) => {
  t.throws(() => formatInstanceList([], { ...ALIGNED, output: "name,bogus" }), { name: "UsageError", message: /^Unknown output field "bogus"\. Valid fields: name, admin_state, / });
  t.throws(() => formatInstanceList([], { ...ALIGNED, output: "disk.size/16" }), { name: "UsageError", message: /^Unknown output field "disk.size\/16"/ });
});

test("arguments select named instances in the order given, globs and filters in name order", (t) => {
  t.deepEqual(names([]), ["db2", "web1", "web10"]);
  t.deepEqual(names(["web10", "db2"]), ["web10", "db2"]);
  t.deepEqual(names(["web*"]), ["web1", "web10"]);
  t.deepEqual(names(['status != "running"']), ["db2", "web10"]);
  t.deepEqual(names(['name == "web1"'], true), ["web1"]);
  t.throws(() => names(["web1"], true), { name: "UsageError", message: 'Unknown field "web1" in the filter.' });
  t.throws(() => names(["web1", "nosuch", "other"]), { name: "AlkorError", message: "Unknown instances: nosuch, other." });
  t.throws(() => names(["a", "b"], true), { name: "UsageError", message: "A filter is one argument (quote it); got 2." });
});

test("alkor-instance list asks the agent and prints the selected instances", async (t) => {
  const endpoint = await startInstanceApi(t);
  const filtered = await runCli("alkor-instance", ["list", "--no-headers", "-o", "name,status", "--filter", 'name =~ /^web/ and status != "running"', "--endpoint", endpoint]);
  t.is(filtered.code, 0, filtered.stderr);
  t.is(filtered.stdout, "web10 ERROR_nodedown\n");
  const json = await runCli("alkor-instance", ["list", "--json", "web1", "--endpoint", endpoint]);
  t.deepEqual((JSON.parse(json.stdout) as Array<{ name: string }>).map((view) => view.name), ["web1"]);
});

test("alkor-instance list fails with exit status 2 for a bad filter, without asking the agent, and 1 for an unknown instance", async (t) => {
  const bad = await runCli("alkor-instance", ["list", "-F", "name ==", "--endpoint", "unix:/nonexistent/alkord.sock"]);
  t.is(bad.code, 2);
  t.is(bad.stderr, 'error: Invalid filter "name ==" at position 8: expected a number or a quoted string after ==.\n');
  const unknown = await runCli("alkor-instance", ["list", "nosuch", "--endpoint", await startInstanceApi(t)]);
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "Unknown instance: nosuch.\n");
});

test("a view with no NICs and no disks shows - for their per-index fields", (t) => {
  const bare = sampleView({ name: "bare", nics: [], disks: [], diskTemplate: "diskless" });
  t.deepEqual(formatInstanceList([bare], { headers: false, output: "name,disk.size/0,nic.mac/0,nic.count" }), ["bare - - 0"]);
});
