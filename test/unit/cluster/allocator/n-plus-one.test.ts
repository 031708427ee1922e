import test from "ava";
import { describeFailure, nPlusOneFailures } from "../../../../src/cluster/allocator/n-plus-one.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { instance, node } from "./fixtures.js";

test("a healthy cluster has no N+1 failures", (t) => {
  const nodes = [node("node1", 4096), node("node2", 4096), node("node3", 4096)];
  const instances = [
    instance("db1", "node1", "node2", 2048),
    instance("db2", "node1", "node2", 2048),
    instance("db3", "node2", "node3", 4096),
    instance("web1", "node3", null, 6000),
  ];
  t.deepEqual(nPlusOneFailures(nodes, instances), []);
  t.deepEqual(nPlusOneFailures([], []), []);
});

test("a secondary that could not start everything its primary runs fails N+1, naming the instances", (t) => {
  const nodes = [node("node1", 4096), node("node2", 2048)];
  const instances = [instance("db2", "node1", "node2", 2048), instance("db1", "node1", "node2", 1024), instance("db3", "node1", "node2", 4096, false)];
  t.deepEqual(nPlusOneFailures(nodes, instances), [{ node: "node2", primary: "node1", needMiB: 3072, freeMiB: 2048, from: ["db1", "db2"] }]);
});

test("each primary is judged alone, since N+1 plans for one node failing at a time", (t) => {
  const nodes = [node("node1", 4096), node("node2", 4096), node("node3", 1536)];
  const instances = [instance("db1", "node1", "node3", 1024), instance("db2", "node2", "node3", 1024)];
  t.deepEqual(nPlusOneFailures(nodes, instances), [], "2048 MiB in all, but never more than 1024 MiB at once");
  const tighter = [...instances, instance("db3", "node2", "node3", 1024)];
  t.deepEqual(nPlusOneFailures(nodes, tighter), [{ node: "node3", primary: "node2", needMiB: 2048, freeMiB: 1536, from: ["db2", "db3"] }]);
});

test("failures are listed by node, then by the failed primary", (t) => {
  const nodes = [node("node3", 0), node("node1", 0), node("node2", 0)];
  const instances = [instance("a", "node2", "node1", 512), instance("b", "node3", "node1", 512), instance("c", "node1", "node3", 512), instance("d", "node1", "node2", 512)];
  t.deepEqual(
    nPlusOneFailures(nodes, instances).map((failure) => `${failure.node}<-${failure.primary}`),
    ["node1<-node2", "node1<-node3", "node2<-node1", "node3<-node1"],
  );
});

test("instances without a secondary, and those that should not run, add nothing", (t) => {
  const nodes = [node("node1", 100), node("node2", 100)];
  t.deepEqual(nPlusOneFailures(nodes, [instance("web1", "node1", null, 8000), instance("db1", "node1", "node2", 8000, false)]), []);
});

test("an offline node is not checked, but its instances still count on their secondary", (t) => {
  const nodes = [node("node1", 0, { offline: true }), node("node2", 1024)];
  const instances = [instance("db1", "node1", "node2", 2048), instance("db2", "node2", "node1", 2048)];
  t.deepEqual(nPlusOneFailures(nodes, instances), [{ node: "node2", primary: "node1", needMiB: 2048, freeMiB: 1024, from: ["db1"] }]);
});

test("a failure reads as a sentence for cluster verify", (t) => {
  t.is(
    describeFailure({ node: "node2", primary: "node1", needMiB: 3072, freeMiB: 2048, from: ["db1", "db2"] }),
    "node2 could not take over node1's instances (db1, db2) if node1 failed: 3072 MiB needed, 2048 MiB free",
  );
});

test("the check validates its input", (t) => {
  const error = t.throws(() => nPlusOneFailures([node("node1", 1024)], [instance("db1", "node1", "node9", 512)]), { instanceOf: AlkorError });
  t.is(error?.code, "wrong_input");
  t.is(error?.message, 'Instance db1\'s secondary node "node9" is not among the nodes given.');
});
