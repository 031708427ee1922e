import type { ClusterState } from "../../cluster/state/schema.js";
import { AlkorError } from "../../model/errors.js";
import { epochSeconds } from "./ganeti-time.js";

/** What /version answers: the RAPI's major version, which Ganeti's client puts in every path. */
export const RAPI_VERSION = 2;

/** alkor's only hypervisor, under which Ganeti keys hypervisor parameters. */
const hypervisor = "kvm";

/**
 * /2/info as Ganeti's (samples/GET_2_info.json), with what alkor has: the
 * instance defaults in Ganeti's groups (hvparams by hypervisor, beparams and
 * nicparams under "default"), each with the keys alkor's kvm knows. Keys for
 * things alkor does not have (disk and OS parameters, instance policies) are
 * left out rather than filled with invented values.
 */
export function clusterInfo(state: ClusterState, masterName: string, softwareVersion: string): Record<string, unknown> {
  const { cluster, instanceDefaults: defaults } = state;
  if (cluster === null) throw new AlkorError("wrong_state", "This node is not part of a cluster yet.");
  const [address, prefix] = cluster.clusterIp.split("/");
  const version = ganetiVersionNumber(softwareVersion);
  return {
    software_version: softwareVersion,
    // Ganeti's numbering (BuildVersion: major * 10^6 + minor * 10^4 + revision) applied to alkor's own version.
    ...(version === null ? {} : { protocol_version: version, config_version: version }),
    vcs_version: `(alkor) version ${softwareVersion}`,
    name: cluster.name,
    master: masterName,
    candidate_pool_size: cluster.candidatePoolSize,
    ...(cluster.masterNetdev === null ? {} : { master_netdev: cluster.masterNetdev }),
    ...(prefix === undefined ? {} : { master_netmask: Number(prefix) }),
    default_hypervisor: hypervisor,
    enabled_hypervisors: [hypervisor],
    hvparams: { [hypervisor]: { ...defaults.hvparams } },
    beparams: { default: { ...defaults.beparams } },
    nicparams: { default: { ...defaults.nicparams } },
    mac_prefix: defaults.macPrefix,
    // Ganeti answers both names for the volume group.
    volume_group_name: defaults.volumeGroup,
    vg_name: defaults.volumeGroup,
    file_storage_dir: defaults.fileStorageDir,
    primary_ip_version: address?.includes(":") ? 6 : 4,
    ctime: epochSeconds(cluster.createdAt),
    uuid: cluster.uuid,
    tags: state.tags,
  };
}

function ganetiVersionNumber(version: string): number | null {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) return null;
  return Number(match[1]) * 1_000_000 + Number(match[2]) * 10_000 + Number(match[3]);
}
