import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { pino } from "pino";
import { FileRaftStorage } from "../../../src/cluster/raft-storage.js";
import { releaseStaleClusterIp } from "../../../src/cluster/stale-cluster-ip.js";
import { localDurableFiles } from "../../../src/host/durable-file.js";
import type { ClusterAddressPort, ClusterAddressSpec } from "../../../src/host/net/cluster-address.js";
import { clusterNode, clusterState, groupUuid } from "./fixtures.js";

function fakeAddress(present: boolean) {
  const released: ClusterAddressSpec[] = [];
  const port: ClusterAddressPort = {
    acquire: async () => {},
    release: async (spec) => void released.push(spec),
    held: async () => present,
  };
  return { port, released };
}

async function storageWith(t: { teardown(fn: () => Promise<void>): void }, commit: number): Promise<FileRaftStorage> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-stale-ip-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const storage = new FileRaftStorage(dir, localDurableFiles);
  await storage.begin(["a"]);
  const { group: _g, addedAt: _a, operatorDemoted: _o, ...founder } = clusterNode(1, { masterCandidate: true });
  const init = { kind: "cluster.init", cluster: clusterState([]).cluster, defaultGroup: { uuid: groupUuid, name: "default" }, founder };
  await storage.persist({ entries: [{ index: 1, term: 1, data: null }, { index: 2, term: 1, data: { id: "p1", command: init } }], hardState: { term: 1, votedFor: "a", commit } });
  return storage;
}

const log = pino({ level: "silent" });

/** This node's marker: set, as a killed master leaves it, unless said otherwise. */
function marker(held = true) {
  const state = { held };
  return { state, marker: { read: async () => state.held, write: async (value: boolean) => void (state.held = value) } };
}

test("the cluster IP of the committed state is removed from the management address's device", async (t) => {
  const { port, released } = fakeAddress(true);
  const held = marker();
  const outcome = await releaseStaleClusterIp({ storage: await storageWith(t, 2), address: port, deviceOf: async () => "eth0", managementAddress: "10.0.0.1", marker: held.marker, log });
  t.deepEqual(released, [{ ip: "10.0.0.100", prefixLength: 24, device: "eth0" }]);
  t.is(outcome, "Released the cluster IP 10.0.0.100/24 from eth0.");
  t.false(held.state.held);
});

test("an address this node never marked as its own is left alone: on a shared host it is another node's", async (t) => {
  const { port, released } = fakeAddress(true);
  const outcome = await releaseStaleClusterIp({ storage: await storageWith(t, 2), address: port, deviceOf: async () => "eth0", managementAddress: "10.0.0.1", marker: marker(false).marker, log });
  t.deepEqual(released, []);
  t.regex(outcome, /did not hold the cluster IP/);
});

test("nothing is removed when the address is not there, the cluster was never committed, or the node is in no cluster", async (t) => {
  const absent = fakeAddress(false);
  t.regex(await releaseStaleClusterIp({ storage: await storageWith(t, 2), address: absent.port, deviceOf: async () => "eth0", managementAddress: "10.0.0.1", marker: marker().marker, log }), /is not on eth0/);
  const uncommitted = fakeAddress(true);
  t.regex(await releaseStaleClusterIp({ storage: await storageWith(t, 1), address: uncommitted.port, deviceOf: async () => "eth0", managementAddress: "10.0.0.1", marker: marker().marker, log }), /never initialised/);
  const dir = await mkdtemp(join(tmpdir(), "alkor-stale-ip-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const none = fakeAddress(true);
  t.regex(await releaseStaleClusterIp({ storage: new FileRaftStorage(dir, localDurableFiles), address: none.port, deviceOf: async () => "eth0", managementAddress: "10.0.0.1", marker: marker().marker, log }), /in no cluster/);
  t.deepEqual([...absent.released, ...uncommitted.released, ...none.released], []);
});
