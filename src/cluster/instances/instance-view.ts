import type { InstanceView } from "../../model/instance.js";
import type { NodeInstanceReport } from "../../node/instance-rpc-methods.js";
import { filledBeParams, filledHvParams, filledNicParams, type Instance } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";
import { instanceStatus, isRunning, type RuntimeObservation } from "./instance-status.js";

/** Each node's report, or why it has none. */
export type ReportsByNode = ReadonlyMap<string, NodeInstanceReport | { error: string }>;

/** What the primary node says about the instance's domain. */
export function observe(instance: Instance, state: ClusterState, reports: ReportsByNode): RuntimeObservation {
  const node = state.nodes[instance.primaryNode];
  if (!node || node.offline) return { kind: "node-offline" };
  const report = reports.get(node.uuid);
  if (!report) return { kind: "node-down", reason: `node ${node.name} was not asked` };
  if ("error" in report) return { kind: "node-down", reason: report.error };
  const domain = report.domains.find((candidate) => candidate.name === instance.name);
  if (!domain) return { kind: "no-domain" };
  return { kind: "domain", state: domain.state, memoryMiB: domain.memoryMiB, vcpus: domain.vcpus };
}

export function instanceView(instance: Instance, state: ClusterState, reports: ReportsByNode): InstanceView {
  const defaults = state.instanceDefaults;
  const observation = observe(instance, state, reports);
  const running = isRunning(observation);
  const nodeName = (uuid: string) => state.nodes[uuid]?.name ?? uuid;
  return {
    name: instance.name,
    uuid: instance.uuid,
    os: instance.os,
    osParams: instance.osParams,
    primaryNode: nodeName(instance.primaryNode),
    secondaryNodes: instance.secondaryNodes.map(nodeName),
    diskTemplate: instance.diskTemplate,
    disks: instance.disks.map((disk, index) => ({ index, ...disk })),
    nics: instance.nics.map((nic, index) => ({ index, uuid: nic.uuid, name: nic.name, mac: nic.mac, ip: nic.ip, ...filledNicParams(nic, defaults) })),
    beparams: filledBeParams(instance, defaults),
    hvparams: filledHvParams(instance, defaults),
    customBeparams: instance.beparams,
    customHvparams: instance.hvparams,
    customNicparams: instance.nics.map((nic) => ({ ...nic.params })),
    adminState: instance.adminState,
    adminStateSource: instance.adminStateSource,
    disksActive: instance.disksActive,
    status: instanceStatus(instance.adminState, instance.adminStateSource, observation),
    operState: observation.kind === "node-down" || observation.kind === "node-offline" ? null : running,
    domainState: observation.kind === "domain" ? observation.state : null,
    operRamMiB: observation.kind === "domain" && running ? observation.memoryMiB : null,
    operVcpus: observation.kind === "domain" && running ? observation.vcpus : null,
    runtimeError: observation.kind === "node-down" ? observation.reason : observation.kind === "node-offline" ? "the primary node is offline" : null,
    ctime: instance.createdAt,
    mtime: instance.modifiedAt,
    serial: instance.serial,
    networkPort: instance.networkPort,
    tags: instance.tags,
  };
}
