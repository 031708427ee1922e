import { AlkorError } from "../../model/errors.js";
import type { InstanceDisks, InstanceRunSpec } from "../../node/instance-rpc-methods.js";
import { filledBeParams, filledHvParams, filledNicParams, type Instance } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";

/** The instance's disks as a node's disk store takes them. */
export function disksOf(instance: Pick<Instance, "uuid" | "diskTemplate" | "disks">, state: ClusterState): InstanceDisks {
  const { fileStorageDir, volumeGroup } = state.instanceDefaults;
  return {
    instanceUuid: instance.uuid,
    template: instance.diskTemplate,
    storage: { fileStorageDir, volumeGroup },
    disks: instance.disks.map((disk, index) => ({ uuid: disk.uuid, index, sizeMiB: disk.sizeMiB, format: disk.format, mode: disk.mode, name: disk.name })),
  };
}

/** What the primary node needs to run the instance with memoryMiB: the cluster's defaults filled in. */
export function runSpecOf(instance: Instance, state: ClusterState, memoryMiB: number): InstanceRunSpec {
  const defaults = state.instanceDefaults;
  const be = filledBeParams(instance, defaults);
  return {
    ...disksOf(instance, state),
    name: instance.name,
    memoryMiB,
    maxMemoryMiB: be.maxmem,
    vcpus: be.vcpus,
    hvparams: filledHvParams(instance, defaults),
    networkPort: instance.networkPort,
    nics: instance.nics.map((nic) => ({ uuid: nic.uuid, mac: nic.mac, ip: nic.ip, name: nic.name, ...filledNicParams(nic, defaults) })),
  };
}

/** The name of a node the configuration points at. */
export function nodeNameOf(state: ClusterState, uuid: string): string {
  const node = state.nodes[uuid];
  if (!node) throw new AlkorError("internal_error", `The configuration names node ${uuid}, which is not a member.`);
  return node.name;
}
