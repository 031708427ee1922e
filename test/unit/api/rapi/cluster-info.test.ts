import test from "ava";
import { clusterInfo } from "../../../../src/api/rapi/cluster-info.js";
import { defaultInstanceDefaults } from "../../../../src/cluster/state/instance-schema.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { CREATED_AT, sampleState } from "./fake-backend.js";
import { sample, sampleKeys } from "./harness.js";

test("shows what alkor has under Ganeti's /2/info keys, and no key Ganeti lacks", async (t) => {
  const info = clusterInfo(sampleState(), "node1.alkor.test", "0.1.0");
  const ganetiKeys = await sampleKeys("GET_2_info.json");
  t.deepEqual(
    Object.keys(info).filter((key) => !ganetiKeys.includes(key)),
    [],
  );
  t.deepEqual(info, {
    software_version: "0.1.0",
    protocol_version: 10000,
    config_version: 10000,
    vcs_version: "(alkor) version 0.1.0",
    name: "cluster.alkor.test",
    master: "node1.alkor.test",
    candidate_pool_size: 10,
    master_netdev: "br0",
    master_netmask: 24,
    default_hypervisor: "kvm",
    enabled_hypervisors: ["kvm"],
    hvparams: { kvm: defaultInstanceDefaults.hvparams },
    beparams: { default: defaultInstanceDefaults.beparams },
    nicparams: { default: defaultInstanceDefaults.nicparams },
    mac_prefix: "aa:00:00",
    volume_group_name: "alkor",
    vg_name: "alkor",
    file_storage_dir: "/srv/alkor/file-storage",
    primary_ip_version: 4,
    ctime: CREATED_AT / 1000,
    uuid: "c439ff7c-247c-4bc0-9a82-02c7be6898b8",
    tags: ["benchtag"],
  });
});

test("the instance defaults are in Ganeti's groups, each key one Ganeti's group has, with a value of the same type", async (t) => {
  const info = clusterInfo(sampleState(), "node1.alkor.test", "0.1.0");
  const ganeti = (await sample("GET_2_info.json")) as Record<string, Record<string, Record<string, unknown>>>;
  const groups: Array<[string, string]> = [["hvparams", "kvm"], ["beparams", "default"], ["nicparams", "default"]];
  for (const [key, group] of groups) {
    const ours = (info[key] as Record<string, Record<string, unknown>>)[group]!;
    t.deepEqual(Object.keys(info[key] as object), [group], key);
    for (const [name, value] of Object.entries(ours)) t.is(typeof value, typeof ganeti[key]![group]![name], `${key}.${group}.${name}`);
  }
  for (const key of ["mac_prefix", "file_storage_dir", "default_hypervisor"]) t.is(typeof info[key], typeof ganeti[key], key);
});

test("the instance defaults shown are the cluster's current ones", (t) => {
  const state = sampleState();
  state.instanceDefaults = { ...state.instanceDefaults, beparams: { ...state.instanceDefaults.beparams, maxmem: 2048 }, volumeGroup: "xenvg", macPrefix: "aa:00:01" };
  const info = clusterInfo(state, "node1.alkor.test", "0.1.0");
  t.like(info, { beparams: { default: { maxmem: 2048 } }, volume_group_name: "xenvg", vg_name: "xenvg", mac_prefix: "aa:00:01" });
});

test("leaves out what is not set rather than inventing it", (t) => {
  const state = sampleState();
  state.cluster = { ...state.cluster!, masterNetdev: null, clusterIp: "2001:db8::10/64" };
  const info = clusterInfo(state, "node1.alkor.test", "dev-build");
  t.false("master_netdev" in info);
  t.false("protocol_version" in info);
  t.is(info.primary_ip_version, 6);
  t.is(info.master_netmask, 64);
});

test("a node outside any cluster has no cluster to describe", (t) => {
  const state = sampleState();
  state.cluster = null;
  const error = t.throws(() => clusterInfo(state, "node1", "0.1.0"), { instanceOf: AlkorError });
  t.is((error as AlkorError).code, "wrong_state");
});
