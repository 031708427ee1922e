import type { ErrorCode } from "../../model/errors.js";
import { NETWORK_PORTS, type Instance } from "./instance-schema.js";
import type { ClusterState, ObjectCommand } from "./schema.js";

type InstanceCommand = Extract<ObjectCommand, { kind: `instance.${string}` }>;
interface Refusal {
  code: ErrorCode;
  message: string;
}

/** Instance changes: names and MACs stay unique, and an instance only ever points at member nodes. */
export function transitionInstance(state: ClusterState, command: InstanceCommand): ClusterState | Refusal {
  switch (command.kind) {
    case "instance.add": {
      const networkPort = freeNetworkPort(state);
      if (networkPort === null) {
        return refuse("insufficient_resources", `No network port is free for instance ${command.instance.name}: every port from ${NETWORK_PORTS.first} to ${NETWORK_PORTS.last} is taken.`);
      }
      const added: Instance = { ...command.instance, modifiedAt: command.instance.createdAt, serial: 1, tags: [], networkPort };
      if (state.instances[added.uuid]) return refuse("already_exists", `An instance with UUID ${added.uuid} already exists.`);
      const problem = conflictOf(state, added);
      return problem ?? withInstance(state, added);
    }
    case "instance.remove": {
      if (!state.instances[command.uuid]) return refuse("unknown_entity", `No instance with UUID ${command.uuid} in the cluster.`);
      const instances = { ...state.instances };
      delete instances[command.uuid];
      return { ...state, instances };
    }
    case "instance.modify": {
      const instance = state.instances[command.uuid];
      if (!instance) return refuse("unknown_entity", `No instance with UUID ${command.uuid} in the cluster.`);
      const changed: Instance = { ...instance, ...command.changes, modifiedAt: command.at, serial: instance.serial + 1 };
      return conflictOf(state, changed) ?? withInstance(state, changed);
    }
    case "instance.rename": {
      const instance = state.instances[command.uuid];
      if (!instance) return refuse("unknown_entity", `No instance with UUID ${command.uuid} in the cluster.`);
      const renamed: Instance = { ...instance, name: command.name, modifiedAt: command.at, serial: instance.serial + 1 };
      return conflictOf(state, renamed) ?? withInstance(state, renamed);
    }
    case "instance.defaults":
      return { ...state, instanceDefaults: { ...state.instanceDefaults, ...command.changes } };
  }
}

/** Names of the nodes that still hold instances, for refusing a node's removal. */
export function instancesOnNode(state: ClusterState, nodeUuid: string): string[] {
  return Object.values(state.instances)
    .filter((instance) => instance.primaryNode === nodeUuid || instance.secondaryNodes.includes(nodeUuid))
    .map((instance) => instance.name)
    .sort();
}

/** The lowest port of the pool no instance holds (as every replica computes it alike), or null when none is left. */
function freeNetworkPort(state: ClusterState): number | null {
  const taken = new Set(Object.values(state.instances).map((instance) => instance.networkPort));
  for (let port = NETWORK_PORTS.first; port <= NETWORK_PORTS.last; port++) {
    if (!taken.has(port)) return port;
  }
  return null;
}

function conflictOf(state: ClusterState, instance: Instance): Refusal | null {
  for (const other of Object.values(state.instances)) {
    if (other.uuid === instance.uuid) continue;
    if (other.name === instance.name) return refuse("already_exists", `Instance ${instance.name} already exists.`);
    const shared = other.nics.find((nic) => instance.nics.some((mine) => mine.mac === nic.mac));
    if (shared) return refuse("already_exists", `MAC address ${shared.mac} is already in use by instance ${other.name}.`);
  }
  const macs = instance.nics.map((nic) => nic.mac);
  const repeated = macs.find((mac, index) => macs.indexOf(mac) !== index);
  if (repeated) return refuse("wrong_input", `MAC address ${repeated} is given to two NICs of instance ${instance.name}.`);
  for (const node of [instance.primaryNode, ...instance.secondaryNodes]) {
    if (!state.nodes[node]) return refuse("unknown_entity", `No node with UUID ${node} in the cluster (instance ${instance.name}).`);
  }
  if (instance.secondaryNodes.includes(instance.primaryNode)) return refuse("wrong_input", `Instance ${instance.name}'s secondary node cannot be its primary node.`);
  return null;
}

function withInstance(state: ClusterState, instance: Instance): ClusterState {
  return { ...state, instances: { ...state.instances, [instance.uuid]: instance } };
}

function refuse(code: ErrorCode, message: string): Refusal {
  return { code, message };
}
