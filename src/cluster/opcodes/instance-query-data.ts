import { z } from "zod";
import { isRunning } from "../instances/instance-status.js";
import { observe, type ReportsByNode } from "../instances/instance-view.js";
import { listReportTimeoutMs, nodeReports, reportsByNodeUuid } from "../instances/node-reports.js";
import { filledBeParams, filledHvParams, filledNicParams, InstanceNameSchema, type Instance } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { findInstance } from "./instance-target.js";

const Params = z
  .object({
    /** None means every instance. */
    instances: z.array(InstanceNameSchema).max(10_000).default([]),
    /** Only what the configuration says: no node is asked, and run_state is null. */
    static: z.boolean().default(false),
    /** Ganeti's clients may send it; alkor always takes the instances' locks shared. */
    use_locking: z.boolean().optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

/**
 * OP_INSTANCE_QUERY_DATA (RAPI GET /2/instances/NAME/info): each instance's
 * configuration and, unless static, whether its domain runs, in the shape of
 * Ganeti's LUInstanceQueryData (samples/GET_2_jobs_ID_instance-info.json).
 * alkor has no per-disk block device status, so a disk's pstatus and
 * sstatus are null, as Ganeti's are for a static query.
 */
export const instanceQueryData: OpcodeDefinition<Params> = {
  id: "OP_INSTANCE_QUERY_DATA",
  params: Params,
  locks: (params) =>
    params.instances.length === 0 ? [{ level: "cluster", name: "cluster", mode: "shared" }] : params.instances.map((name) => ({ level: "instance" as const, name, mode: "shared" as const })),
  sideEffects: false,
  check(params, context) {
    for (const name of params.instances) findInstance(context.state(), name);
  },
  async run(params, context) {
    const state = context.state();
    const instances = params.instances.length === 0 ? Object.values(state.instances) : params.instances.map((name) => findInstance(state, name));
    const primaries = [...new Set(instances.map((instance) => instance.primaryNode))].flatMap((uuid) => state.nodes[uuid] ?? []).filter((node) => !node.offline);
    const reports = params.static ? null : reportsByNodeUuid(await nodeReports(state, primaries, context.services.nodeRpc, { timeoutMs: listReportTimeoutMs }));
    return { result: Object.fromEntries(instances.map((instance) => [instance.name, queryData(instance, state, reports)])), effects: [] };
  },
};

function queryData(instance: Instance, state: ClusterState, reports: ReportsByNode | null): Record<string, unknown> {
  const defaults = state.instanceDefaults;
  const node = (uuid: string) => state.nodes[uuid];
  const group = (uuid: string) => state.nodeGroups[node(uuid)?.group ?? ""];
  const observation = reports === null ? null : observe(instance, state, reports);
  return {
    name: instance.name,
    config_state: instance.adminState,
    run_state: observation === null || observation.kind === "node-down" || observation.kind === "node-offline" ? null : isRunning(observation) ? "up" : "down",
    pnode: node(instance.primaryNode)?.name ?? instance.primaryNode,
    pnode_group_uuid: group(instance.primaryNode)?.uuid ?? null,
    pnode_group_name: group(instance.primaryNode)?.name ?? null,
    snodes: instance.secondaryNodes.map((uuid) => node(uuid)?.name ?? uuid),
    snodes_group_uuids: instance.secondaryNodes.map((uuid) => group(uuid)?.uuid ?? null),
    snodes_group_names: instance.secondaryNodes.map((uuid) => group(uuid)?.name ?? null),
    os: instance.os,
    // Ganeti's NIC tuple: name, uuid, ip, mac, mode, link, vlan, network, network name.
    nics: instance.nics.map((nic) => {
      const filled = filledNicParams(nic, defaults);
      return [nic.name, nic.uuid, nic.ip, nic.mac, filled.mode, filled.link, "", null, null];
    }),
    disk_template: instance.diskTemplate,
    disks: instance.disks.map((disk, index) => ({
      iv_name: `disk/${index}`,
      dev_type: instance.diskTemplate,
      logical_id: instance.diskTemplate === "plain" ? [defaults.volumeGroup, `${disk.uuid}.disk${index}`] : null,
      drbd_info: null,
      pstatus: null,
      sstatus: null,
      children: [],
      mode: disk.mode,
      size: disk.sizeMiB,
      spindles: null,
      name: disk.name,
      uuid: disk.uuid,
    })),
    hypervisor: "kvm",
    network_port: instance.networkPort,
    hv_instance: instance.hvparams,
    hv_actual: filledHvParams(instance, defaults),
    be_instance: instance.beparams,
    be_actual: filledBeParams(instance, defaults),
    os_instance: instance.osParams,
    os_actual: instance.osParams,
    serial_no: instance.serial,
    mtime: instance.modifiedAt / 1000,
    ctime: instance.createdAt / 1000,
    uuid: instance.uuid,
  };
}
