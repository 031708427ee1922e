import test from "ava";
import type { ClusterCommands, ClusterInfo } from "../../../src/cluster/cluster-commands.js";
import type { ClusterService } from "../../../src/cluster/cluster-service.js";
import { LocalClusterControl } from "../../../src/cluster/local-control.js";
import { defaultInstanceDefaults } from "../../../src/cluster/state/instance-schema.js";
import { clusterNode, clusterState } from "./fixtures.js";

const info: ClusterInfo = {
  name: "c1",
  uuid: "88888888-0000-4000-8000-000000000000",
  clusterIp: "10.0.0.100/24",
  masterNetdev: null,
  candidatePoolSize: 5,
  createdAt: 0,
  master: "node1",
  serial: 3,
  nodes: 1,
  candidates: ["node1"],
  term: 2,
  commitIndex: 9,
};

/** The control over a service whose state has the given defaults, and commands answering `info` after their read. */
function control(instanceDefaults = defaultInstanceDefaults): LocalClusterControl {
  const service = { state: { ...clusterState([clusterNode(1)]), instanceDefaults } } as Partial<ClusterService> as ClusterService;
  const commands = { info: async () => info, init: async () => info } as Partial<ClusterCommands> as ClusterCommands;
  return new LocalClusterControl(service, commands, { name: "node1", version: "0.1.0" });
}

test("info and init answer the cluster with the instance defaults of the state just read", async (t) => {
  const defaults = { ...defaultInstanceDefaults, volumeGroup: "xenvg", nicparams: { mode: "routed", link: "100" } } as const;
  t.deepEqual(await control(defaults).info(), { ...info, instanceDefaults: defaults });
  const request = { name: "c1", clusterIp: "10.0.0.100", joinToken: "secret-token", masterNetdev: null, candidatePoolSize: 5 };
  t.deepEqual(await control(defaults).init(request), { ...info, instanceDefaults: defaults });
});
