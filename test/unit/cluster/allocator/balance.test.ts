import test from "ava";
import { balanceAfter, compareBalance, describeBalance } from "../../../../src/cluster/allocator/balance.js";
import { node, request } from "./fixtures.js";

test("the memory spread is the standard deviation of the nodes' used ratios after the placement", (t) => {
  const nodes = [node("node1", 8192), node("node2", 0)];
  // Used ratios 1024/8192 = 0.125 and 1: their standard deviation is half the difference.
  t.is(balanceAfter(nodes, "plain", request(), { primary: "node1", secondary: null }).memorySpread, 0.4375);
  t.is(balanceAfter(nodes, "plain", request({ memoryMiB: 8192 }), { primary: "node1", secondary: null }).memorySpread, 0);
});

test("the disk spread counts the disks on both nodes of a mirrored placement, in the template's storage", (t) => {
  const nodes = [node("node1", 4096), node("node2", 4096)];
  const both = balanceAfter(nodes, "plain", request({ diskMiB: 51200 }), { primary: "node1", secondary: "node2" });
  t.is(both.diskSpread, 0, "both nodes gain the same disks");
  const one = balanceAfter(nodes, "plain", request({ diskMiB: 51200 }), { primary: "node1", secondary: null });
  t.is(one.diskSpread, 0.25, "used ratios 1 and 0.5");
  t.is(balanceAfter(nodes, null, request({ diskMiB: 0 }), { primary: "node1", secondary: null }).diskSpread, 0, "diskless has no disk spread");
});

test("offline and non-vm_capable nodes are left out of the balance", (t) => {
  const nodes = [node("node1", 4096), node("node2", 0, { offline: true }), node("node3", 0, { vmCapable: false })];
  t.is(balanceAfter(nodes, "plain", request(), { primary: "node1", secondary: null }).memorySpread, 0);
});

test("memory decides first; disk only breaks a memory tie", (t) => {
  t.true(compareBalance({ memorySpread: 0.1, diskSpread: 0.9 }, { memorySpread: 0.2, diskSpread: 0 }) < 0);
  t.true(compareBalance({ memorySpread: 0.1, diskSpread: 0.2 }, { memorySpread: 0.1 + 1e-12, diskSpread: 0.1 }) > 0, "a rounding difference is no difference");
  t.is(compareBalance({ memorySpread: 0.1, diskSpread: 0.2 }, { memorySpread: 0.1, diskSpread: 0.2 }), 0);
});

test("the spreads read as percentages", (t) => {
  t.is(describeBalance({ memorySpread: 0.04213, diskSpread: 0.0125 }, "plain"), "memory use spread 4.2%, plain disk use spread 1.3%");
  t.is(describeBalance({ memorySpread: 0.5, diskSpread: 0 }, null), "memory use spread 50.0%");
});
