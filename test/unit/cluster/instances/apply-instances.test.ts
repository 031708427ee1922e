import test from "ava";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { Instance } from "../../../../src/cluster/state/instance-schema.js";
import { ClusterStateSchema, type ClusterState } from "../../../../src/cluster/state/schema.js";
import { clusterNode, clusterState, instanceUuidOf, newInstance, uuidOf } from "../fixtures.js";

const instanceUuid = instanceUuidOf;

const withOneNic = (n: number, overrides: Partial<Instance> = {}) =>
  newInstance(n, { nics: [{ uuid: instanceUuid(100 + n), name: null, mac: `aa:00:00:00:00:0${n}`, ip: null, params: {} }], ...overrides });

function withInstance(state: ClusterState, n: number, overrides: Partial<Instance> = {}): ClusterState {
  const outcome = applyCommand(state, { kind: "instance.add", instance: withOneNic(n, overrides) });
  if (outcome.refusal) throw new Error(outcome.refusal.message);
  return outcome.state;
}

const base = () => clusterState([clusterNode(1), clusterNode(2)]);

test("instance.add puts the instance in the configuration with serial 1 and no tags", (t) => {
  const state = withInstance(base(), 1);
  const instance = state.instances[instanceUuid(1)];
  t.is(instance?.name, "inst1");
  t.is(instance?.serial, 1);
  t.is(instance?.modifiedAt, 10);
  t.deepEqual(instance?.tags, []);
});

test("instance.add gives the lowest free port from 11000 (Ganeti's network_port); a removed instance's port is given again", (t) => {
  let state = withInstance(withInstance(withInstance(base(), 1), 2), 3);
  const portOf = (n: number) => state.instances[instanceUuid(n)]?.networkPort;
  t.deepEqual([portOf(1), portOf(2), portOf(3)], [11_000, 11_001, 11_002]);
  const removed = applyCommand(state, { kind: "instance.remove", uuid: instanceUuid(2) });
  state = withInstance(removed.state, 4);
  t.is(portOf(4), 11_001);
  t.is(withInstance(state, 5).instances[instanceUuid(5)]?.networkPort, 11_003);
});

test("when every port of the pool is taken, instance.add is refused, saying so", (t) => {
  const instances: ClusterState["instances"] = {};
  for (let port = 11_000; port <= 14_999; port++) {
    const uuid = `22222222-0000-4000-8000-${String(port).padStart(12, "0")}`;
    instances[uuid] = { ...newInstance(0, { uuid, name: `p${port}` }), tags: [], serial: 1, modifiedAt: 10, networkPort: port };
  }
  const full = { ...base(), instances };
  const outcome = applyCommand(full, { kind: "instance.add", instance: withOneNic(1) });
  t.is(outcome.refusal?.code, "insufficient_resources");
  t.is(outcome.refusal?.message, "No network port is free for instance inst1: every port from 11000 to 14999 is taken.");
});

test("an instance stored before alkor kept network ports reads back with none", (t) => {
  const stored = JSON.parse(JSON.stringify(withInstance(base(), 1))) as { instances: Record<string, Record<string, unknown>> };
  delete stored.instances[instanceUuid(1)]!["networkPort"];
  t.is(ClusterStateSchema.parse(stored).instances[instanceUuid(1)]?.networkPort, null);
});

test("a second instance with the same name is refused, naming it", (t) => {
  const state = withInstance(base(), 1);
  const outcome = applyCommand(state, { kind: "instance.add", instance: { ...withOneNic(2), name: "inst1" } });
  t.is(outcome.refusal?.code, "already_exists");
  t.is(outcome.refusal?.message, "Instance inst1 already exists.");
  t.is(outcome.state, state);
});

test("a MAC another instance uses is refused, naming the MAC and the instance", (t) => {
  const state = withInstance(base(), 1);
  const outcome = applyCommand(state, { kind: "instance.add", instance: withOneNic(2, { nics: [{ uuid: instanceUuid(9), name: null, mac: "aa:00:00:00:00:01", ip: null, params: {} }] }) });
  t.is(outcome.refusal?.code, "already_exists");
  t.regex(outcome.refusal?.message ?? "", /aa:00:00:00:00:01 is already in use by instance inst1/);
});

test("an instance on a node that is not a member is refused", (t) => {
  const outcome = applyCommand(base(), { kind: "instance.add", instance: withOneNic(1, { primaryNode: uuidOf(7) }) });
  t.is(outcome.refusal?.code, "unknown_entity");
});

test("instance.modify replaces what it names and counts the instance's serial up", (t) => {
  const state = withInstance(base(), 1);
  const outcome = applyCommand(state, { kind: "instance.modify", uuid: instanceUuid(1), changes: { adminState: "up", beparams: { maxmem: 512 } }, at: 20 });
  t.is(outcome.refusal, null);
  const instance = outcome.state.instances[instanceUuid(1)]!;
  t.is(instance.adminState, "up");
  t.deepEqual(instance.beparams, { maxmem: 512 });
  t.is(instance.serial, 2);
  t.is(instance.modifiedAt, 20);
  t.is(instance.name, "inst1");
});

test("instance.rename refuses a name in use and renames otherwise", (t) => {
  const state = withInstance(withInstance(base(), 1), 2);
  t.is(applyCommand(state, { kind: "instance.rename", uuid: instanceUuid(1), name: "inst2", at: 30 }).refusal?.code, "already_exists");
  const renamed = applyCommand(state, { kind: "instance.rename", uuid: instanceUuid(1), name: "web1", at: 30 });
  t.is(renamed.state.instances[instanceUuid(1)]?.name, "web1");
});

test("instance.remove removes it; an unknown UUID is refused", (t) => {
  const state = withInstance(base(), 1);
  const removed = applyCommand(state, { kind: "instance.remove", uuid: instanceUuid(1) });
  t.deepEqual(removed.state.instances, {});
  t.is(applyCommand(removed.state, { kind: "instance.remove", uuid: instanceUuid(1) }).refusal?.code, "unknown_entity");
});

test("a node that holds an instance cannot be removed", (t) => {
  const state = withInstance(base(), 1);
  const outcome = applyCommand(state, { kind: "node.remove", uuid: uuidOf(1) });
  t.is(outcome.refusal?.code, "wrong_state");
  t.regex(outcome.refusal?.message ?? "", /node1 still holds instances \(inst1\)/);
});

test("instance tags are added and removed like node tags", (t) => {
  const state = withInstance(base(), 1);
  const tagged = applyCommand(state, { kind: "tags.add", target: { kind: "instance", uuid: instanceUuid(1) }, tags: ["web", "prod"] });
  t.deepEqual(tagged.state.instances[instanceUuid(1)]?.tags, ["prod", "web"]);
  const untagged = applyCommand(tagged.state, { kind: "tags.remove", target: { kind: "instance", uuid: instanceUuid(1) }, tags: ["web"] });
  t.deepEqual(untagged.state.instances[instanceUuid(1)]?.tags, ["prod"]);
});

test("instance.defaults changes the cluster's defaults that instances fill from", (t) => {
  const outcome = applyCommand(base(), { kind: "instance.defaults", changes: { fileStorageDir: "/data/alkor" } });
  t.is(outcome.state.instanceDefaults.fileStorageDir, "/data/alkor");
  t.is(outcome.state.instanceDefaults.volumeGroup, "alkor");
});
