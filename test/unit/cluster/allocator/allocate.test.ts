import test from "ava";
import { allocate } from "../../../../src/cluster/allocator/allocate.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { instance, node, request } from "./fixtures.js";

function refusal(t: { throws: (fn: () => unknown, expectations: { instanceOf: typeof AlkorError }) => unknown }, fn: () => unknown): AlkorError {
  return t.throws(fn, { instanceOf: AlkorError }) as AlkorError;
}

test("a plain instance goes to the node with the most free memory, and has no secondary", (t) => {
  const result = allocate(request(), [node("node1", 2048), node("node2", 6144), node("node3", 4096)], []);
  t.is(result.primary, "node2");
  t.is(result.secondary, null);
  t.is(result.explanation.length, 4, "one line per node, then the choice");
  t.regex(result.explanation[0]!, /^node1: fits \(2048 MiB free memory, 51200 MiB free plain disk\); placed here, the cluster would have memory use spread \d+\.\d%, plain disk use spread \d+\.\d%\.$/);
  t.regex(result.explanation[3]!, /^Selected node2 \(primary; plain instances have no secondary\): the most balanced of the 3 placements that fit and keep N\+1 memory redundancy \(memory use spread/);
});

test("disk space is checked in the storage the template uses", (t) => {
  const nodes = [
    node("node1", 6144, { diskFreeMiB: { file: 51200, plain: 5000 } }),
    node("node2", 2048),
    node("node3", 7000, { diskFreeMiB: { plain: 51200 }, diskTotalMiB: { plain: 102400 } }),
  ];
  const plain = allocate(request({ diskTemplate: "plain" }), nodes, []);
  t.is(plain.primary, "node3");
  t.is(plain.explanation[0], "node1: rejected: 5000 MiB free plain disk, 10240 MiB needed.");
  const file = allocate(request({ diskTemplate: "file" }), nodes, []);
  t.is(file.primary, "node1");
  t.is(file.explanation[2], "node3: rejected: no file storage.");
});

test("drbd disks need plain storage on both nodes, counted in full on each", (t) => {
  const nodes = [
    node("node1", 6144),
    node("node2", 4096, { diskFreeMiB: { file: 51200 }, diskTotalMiB: { file: 102400 } }),
    node("node3", 2048, { diskFreeMiB: { file: 51200, plain: 10000 } }),
    node("node4", 1024),
  ];
  const result = allocate(request({ diskTemplate: "drbd" }), nodes, []);
  t.deepEqual([result.primary, result.secondary], ["node1", "node4"]);
  t.is(result.explanation[1], "node2: rejected: no plain storage, which drbd disks sit on.");
  t.is(result.explanation[2], "node3: rejected: 10000 MiB free plain disk, 10240 MiB needed.");
  t.regex(result.explanation[4]!, /^Selected node1 \(primary\) and node4 \(secondary\): /);
});

test("a diskless instance needs no storage at all", (t) => {
  const result = allocate(request({ diskTemplate: "diskless", diskMiB: 0 }), [node("node1", 2048), node("node2", 4096, { diskFreeMiB: {}, diskTotalMiB: {} })], []);
  t.is(result.primary, "node2");
  t.regex(result.explanation[1]!, /^node2: fits \(4096 MiB free memory\); placed here, the cluster would have memory use spread \d+\.\d%\.$/);
});

test("offline, drained and non-vm_capable nodes are not considered, and the explanation says which", (t) => {
  const nodes = [
    node("node1", 8000, { offline: true }),
    node("node2", 8000, { drained: true }),
    node("node3", 8000, { vmCapable: false }),
    node("node4", 8000, { offline: true, drained: true }),
    node("node5", 1024),
  ];
  const result = allocate(request(), nodes, []);
  t.is(result.primary, "node5");
  t.deepEqual(result.explanation.slice(0, 4), [
    "node1: not considered: offline.",
    "node2: not considered: drained.",
    "node3: not considered: not vm_capable.",
    "node4: not considered: offline and drained.",
  ]);
  t.regex(result.explanation[5]!, /the only placement that fits and keeps N\+1/);
});

test("a drbd instance gets two different nodes", (t) => {
  const result = allocate(request({ diskTemplate: "drbd" }), [node("node1", 2048), node("node2", 4096)], []);
  t.deepEqual([result.primary, result.secondary], ["node2", "node1"]);
  t.regex(result.explanation[1]!, /^node2: fits as primary and secondary; at best, as primary with node1 as secondary, the cluster would have memory use spread/);
});

test("a node short of memory to be primary is refused as secondary too, by N+1", (t) => {
  // Should the primary fail, the secondary must start the instance: the same memory it lacked to be primary.
  const result = allocate(request({ diskTemplate: "drbd" }), [node("node1", 512), node("node2", 4096), node("node3", 2048)], []);
  t.deepEqual([result.primary, result.secondary], ["node2", "node3"]);
  t.is(result.explanation[0], "node1: cannot be primary: 512 MiB free memory, 1024 MiB needed.");
  t.regex(result.explanation[1]!, /as primary with node3 as secondary, .*\(1 of its 2 placements as primary would break N\+1 and is refused\)\.$/);
});

test("a drbd instance with a single usable node is refused: it cannot be its own secondary", (t) => {
  const error = refusal(t, () => allocate(request({ diskTemplate: "drbd" }), [node("node1", 4096), node("node2", 4096, { drained: true })], []));
  t.is(error.code, "insufficient_resources");
  t.is(error.message, "No node can take instance web1 (drbd, 1024 MiB memory, 10240 MiB plain disk on two nodes): node1: fits, but no other node can be its secondary; node2: drained.");
});

test("a placement that would break N+1 is refused when another keeps it", (t) => {
  // node2 must stay able to start db1 should node1 fail; 1024 MiB less would leave it 4976 MiB for db1's 5800.
  const nodes = [node("node1", 2000), node("node2", 6000), node("node3", 5000)];
  const result = allocate(request(), nodes, [instance("db1", "node1", "node2", 5800)]);
  t.is(result.primary, "node3");
  t.regex(
    result.explanation[1]!,
    /Refused: it would break N\+1 memory redundancy: node2 could not take over node1's instances \(db1\) if node1 failed: 5800 MiB needed, 4976 MiB free\.$/,
  );
  t.regex(result.explanation[3]!, /^Selected node3 .*the most balanced of the 2 placements that fit and keep N\+1/);
});

test("a drbd secondary must have the memory to take the new instance over", (t) => {
  // node2's emptier disk makes it the better secondary by balance, but it could not start the 2048 MiB instance.
  const nodes = [node("node1", 7000), node("node2", 1000, { diskFreeMiB: { plain: 90000 }, diskTotalMiB: { plain: 102400 } }), node("node3", 6000)];
  const result = allocate(request({ diskTemplate: "drbd", memoryMiB: 2048 }), nodes, []);
  t.deepEqual([result.primary, result.secondary], ["node1", "node3"]);
  t.regex(result.explanation[0]!, /\(1 of its 2 placements as primary would break N\+1 and is refused\)\.$/);
});

test("when every placement breaks N+1 the allocation is refused, naming the failure for each node", (t) => {
  const nodes = [node("node1", 4096), node("node2", 2048)];
  const instances = [instance("x1", "node2", "node1", 3072), instance("y1", "node1", "node2", 1024)];
  const error = refusal(t, () => allocate(request({ memoryMiB: 1536 }), nodes, instances));
  t.is(error.code, "insufficient_resources");
  t.is(
    error.message,
    "Every placement of instance web1 (plain, 1536 MiB memory, 10240 MiB plain disk) would break N+1 memory redundancy: " +
      "node1: as primary, node1 could not take over node2's instances (x1) if node2 failed: 3072 MiB needed, 2560 MiB free; " +
      "node2: as primary, node2 could not take over node1's instances (y1) if node1 failed: 1024 MiB needed, 512 MiB free.",
  );
  const explanation = (error.details as { explanation: string[] }).explanation;
  t.is(explanation.length, 2);
  t.regex(explanation[0]!, /Refused: it would break N\+1/);
});

test("instances that are administratively down do not count for N+1", (t) => {
  const nodes = [node("node1", 4096), node("node2", 2048)];
  const instances = [instance("x1", "node2", "node1", 3072, false), instance("y1", "node1", "node2", 1024, false)];
  t.is(allocate(request({ memoryMiB: 1536 }), nodes, instances).primary, "node1");
});

test("an N+1 failure the cluster already has blocks nothing, and is reported", (t) => {
  const nodes = [node("node1", 1024), node("node2", 2048), node("node3", 4096)];
  const result = allocate(request(), nodes, [instance("db1", "node1", "node2", 3072)]);
  t.is(result.primary, "node3");
  t.is(
    result.explanation[3],
    "N+1 memory redundancy already fails before this placement (counting each instance's maxmem): node2 could not take over node1's instances (db1) if node1 failed: 3072 MiB needed, 2048 MiB free. As in htools, only placements that would add a failure are refused.",
  );
});

test("when nothing fits, insufficient_resources names every node's reason", (t) => {
  const nodes = [
    node("node1", 512),
    node("node2", 8000, { drained: true }),
    node("node3", 8000, { offline: true }),
    node("node4", 8000, { diskFreeMiB: { file: 51200, plain: 2048 } }),
    node("node5", 8000, { diskFreeMiB: { file: 51200 }, diskTotalMiB: { file: 102400 } }),
    node("node6", 256, { vmCapable: false, diskFreeMiB: { file: 100, plain: 100 } }),
  ];
  const error = refusal(t, () => allocate(request(), nodes, []));
  t.is(error.code, "insufficient_resources");
  t.is(
    error.message,
    "No node can take instance web1 (plain, 1024 MiB memory, 10240 MiB plain disk): node1: 512 MiB free memory, 1024 MiB needed; node2: drained; node3: offline; " +
      "node4: 2048 MiB free plain disk, 10240 MiB needed; node5: no plain storage; node6: not vm_capable.",
  );
  t.is((error.details as { explanation: string[] }).explanation.length, 6);
});

test("a cluster without nodes cannot take an instance", (t) => {
  const error = refusal(t, () => allocate(request(), [], []));
  t.is(error.code, "insufficient_resources");
  t.regex(error.message, /the cluster has no nodes\.$/);
});

test("ties go to the first node by name, whatever order the nodes come in", (t) => {
  const orders = [
    ["node3", "node1", "node2"],
    ["node2", "node3", "node1"],
    ["node1", "node2", "node3"],
  ];
  for (const order of orders) {
    const plain = allocate(request(), order.map((name) => node(name, 4096)), []);
    t.is(plain.primary, "node1");
    t.regex(plain.explanation[3]!, /It ties with node2, node3 and comes first by name\.$/);
    const drbd = allocate(request({ diskTemplate: "drbd" }), order.map((name) => node(name, 4096)), []);
    t.deepEqual([drbd.primary, drbd.secondary], ["node1", "node2"]);
    t.deepEqual(drbd, allocate(request({ diskTemplate: "drbd" }), order.map((name) => node(name, 4096)), []), "the same input gives the same answer");
  }
});

test("with equal memory, the node whose disk is less used wins", (t) => {
  const nodes = [node("node1", 4096), node("node2", 4096, { diskFreeMiB: { file: 51200, plain: 80000 } })];
  t.is(allocate(request(), nodes, []).primary, "node2");
  t.is(allocate(request({ diskTemplate: "file" }), nodes, []).primary, "node1", "file storage is equally used on both");
});

test("balance is by used ratio: a small node that is mostly empty beats a big one that is mostly full, even with less free memory", (t) => {
  const nodes = [node("node1", 3500, { memoryTotalMiB: 4096 }), node("node2", 4000, { memoryTotalMiB: 32768 })];
  t.is(allocate(request(), nodes, []).primary, "node1");
});

test("an instance that already exists is not placed again", (t) => {
  const error = refusal(t, () => allocate(request(), [node("node1", 4096)], [instance("web1", "node1", null, 512)]));
  t.is(error.code, "already_exists");
  t.is(error.message, "Instance web1 already exists; the allocator places new instances only.");
});

test("a node with exactly the memory and disk needed fits", (t) => {
  const result = allocate(request(), [node("node1", 1024, { diskFreeMiB: { file: 0, plain: 10240 } })], []);
  t.is(result.primary, "node1");
  t.regex(result.explanation[0]!, /^node1: fits \(1024 MiB free memory, 10240 MiB free plain disk\)/);
});

test("a long list of ties is cut short in the explanation", (t) => {
  const nodes = Array.from({ length: 5 }, (_, i) => node(`node${i + 1}`, 4096));
  const result = allocate(request({ diskTemplate: "drbd" }), nodes, []);
  t.deepEqual([result.primary, result.secondary], ["node1", "node2"]);
  t.regex(result.explanation[5]!, /It ties with node1\/node3, node1\/node4, node1\/node5, node2\/node1, node2\/node3 and 14 other placements and comes first by name\.$/);
});
