import type { NewInstance } from "../../../src/cluster/state/instance-schema.js";
import { emptyClusterState, type ClusterNode, type ClusterState } from "../../../src/cluster/state/schema.js";

export const groupUuid = "99999999-0000-4000-8000-000000000000";

export function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

export function clusterNode(n: number, flags: Partial<ClusterNode> = {}): ClusterNode {
  return {
    uuid: uuidOf(n),
    name: `node${n}`,
    address: `10.0.0.${n}`,
    brokerPort: 1883,
    group: groupUuid,
    addedAt: 0,
    operatorDemoted: false,
    masterCandidate: false,
    drained: false,
    offline: false,
    masterCapable: true,
    vmCapable: true,
    tags: [],
    ...flags,
  };
}

/** A cluster of the given nodes, pool size 5 unless said otherwise. */
export function clusterState(nodes: ClusterNode[], candidatePoolSize = 5): ClusterState {
  return {
    // Its own maps: a test that writes into state.instances must not change the next test's state.
    ...structuredClone(emptyClusterState),
    cluster: {
      name: "c1",
      uuid: "88888888-0000-4000-8000-000000000000",
      clusterIp: "10.0.0.100/24",
      masterNetdev: null,
      candidatePoolSize,
      joinToken: "secret-token",
      createdAt: 0,
      tls: null,
    },
    nodeGroups: { [groupUuid]: { uuid: groupUuid, name: "default" } },
    nodes: Object.fromEntries(nodes.map((node) => [node.uuid, node])),
    serial: 1,
  };
}

export function instanceUuidOf(n: number): string {
  return `11111111-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

/** A new diskless instance inst<n> on node1, as instance.add takes it. */
export function newInstance(n: number, overrides: Partial<NewInstance> = {}): NewInstance {
  return {
    uuid: instanceUuidOf(n),
    name: `inst${n}`,
    os: "alkor-image+blank",
    osParams: {},
    primaryNode: uuidOf(1),
    secondaryNodes: [],
    diskTemplate: "diskless",
    disks: [],
    nics: [],
    beparams: {},
    hvparams: {},
    adminState: "down",
    adminStateSource: "admin",
    disksActive: false,
    createdAt: 10,
    ...overrides,
  };
}
