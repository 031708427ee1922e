import test from "ava";
import { formatInstanceModified, instanceSetParamsOp, parseModification } from "../../../../src/cli/instance/modify.js";
import { acceptedByOpcode } from "./fake-instance-api.js";

test("reads --net and --disk changes in Ganeti's syntax", (t) => {
  t.deepEqual(parseModification("add", "--net"), { action: "add", index: -1, params: {} });
  t.deepEqual(parseModification("add:link=br1", "--net"), { action: "add", index: -1, params: { link: "br1" } });
  t.deepEqual(parseModification("remove", "--net"), { action: "remove", index: -1, params: {} });
  t.deepEqual(parseModification("1:remove", "--net"), { action: "remove", index: 1, params: {} });
  t.deepEqual(parseModification("2:add,link=br2", "--net"), { action: "add", index: 2, params: { link: "br2" } });
  t.deepEqual(parseModification("0:modify,ip=192.0.2.9", "--net"), { action: "modify", index: 0, params: { ip: "192.0.2.9" } });
  t.deepEqual(parseModification("0:ip=none", "--net"), { action: "modify", index: 0, params: { ip: "none" } });
  t.deepEqual(parseModification("-1:add", "--net"), { action: "add", index: -1, params: {} });
  t.throws(() => parseModification("0:remove,link=x", "--net"), { message: "--net 0:remove,link=x: a removal takes no parameters." });
  t.throws(() => parseModification("0:add,remove", "--net"), { message: "--net 0:add,remove: give only one of add, remove and modify." });
  t.throws(() => parseModification("eth0:remove", "--net"), { message: /^Invalid --net "eth0:remove": expected add/ });
});

test("builds OP_INSTANCE_SET_PARAMS with [action, index, params] lists, and the opcode accepts it", (t) => {
  const op = instanceSetParamsOp("web1", {
    backendParameters: "maxmem=2G,vcpus=4",
    hypervisorParameters: "kvm:serial_console=true",
    runtimeMemory: "1G",
    net: ["add:link=br1", "0:modify,ip=192.0.2.9", "1:remove"],
    disk: ["add:size=5G,mode=ro"],
    osParameters: "dhcp=no",
  });
  t.deepEqual(op, {
    OP_ID: "OP_INSTANCE_SET_PARAMS",
    instance_name: "web1",
    beparams: { maxmem: 2048, vcpus: 4 },
    hvparams: { serial_console: true },
    runtime_mem: 1024,
    nics: [["add", -1, { link: "br1" }], ["modify", 0, { ip: "192.0.2.9" }], ["remove", 1, {}]],
    disks: [["add", -1, { size: 5120, mode: "ro" }]],
    osparams: { dhcp: "no" },
  });
  // The queue keeps the lists as given (it parses them again when the job runs).
  t.like(acceptedByOpcode(op), { nics: [["add", -1, { link: "br1" }], ["modify", 0, { ip: "192.0.2.9" }], ["remove", 1, {}]], disks: [["add", -1, { size: 5120 }]] });
});

test("--offline and --online set offline; nothing to change, both, or a bad size are usage errors", (t) => {
  t.like(instanceSetParamsOp("web1", { offline: true }), { offline: true });
  t.like(instanceSetParamsOp("web1", { online: true, force: true }), { offline: false, force: true });
  t.throws(() => instanceSetParamsOp("web1", {}), { name: "UsageError", message: /^Please give at least one of the parameters/ });
  t.throws(() => instanceSetParamsOp("web1", { offline: true, online: true }), { message: "Give either --offline or --online, not both." });
  t.throws(() => instanceSetParamsOp("web1", { runtimeMemory: "lots" }), { message: /^Invalid size "lots" for -m/ });
  t.throws(() => instanceSetParamsOp("web1", { disk: ["add:size=1Q"] }), { message: /^Invalid size "1Q" for --disk add size/ });
  t.throws(() => instanceSetParamsOp("web1", { hypervisorParameters: "xen-hvm:acpi=true" }), { message: '-H: alkor runs instances under kvm only, not "xen-hvm".' });
});

test("prints what changed as Ganeti does, with the reminder about restarting", (t) => {
  t.deepEqual(formatInstanceModified("web1", [["beparams", "changed"], ["runtime_memory", "1024"]]), [
    "Modified instance web1",
    " - beparams -> changed",
    " - runtime_memory -> 1024",
    "Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by alkor; restarting from within the instance will not be enough.",
  ]);
});
