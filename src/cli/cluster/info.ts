import type { Command } from "commander";
import { CLUSTER_PATH, ClusterInfoBodySchema, type ClusterInfoBody } from "../../api/local/contract.js";
import { addEndpointOption, addJsonOption, endpointOf, printJson, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { renderInfoEntries } from "../info-block.js";
import { HYPERVISOR } from "../instance/params.js";

/** Without a configured device the agent puts the cluster IP on the management address's device. */
export function masterNetdevText(masterNetdev: string | null): string {
  return masterNetdev ?? "the management address's device";
}

/** An instant as ISO 8601 to the second, the precision Ganeti shows. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d+Z$/, "Z");
}

/** A parameter group with its keys sorted, as Ganeti's PrintGenericInfo prints dictionaries. */
function sorted(group: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(group).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The cluster as `gnt-cluster info` shows it: top-level lines, then grouped parameters. */
export function formatClusterInfo(info: ClusterInfoBody): string[] {
  const defaults = info.instanceDefaults;
  return renderInfoEntries(
    {
      "Cluster name": info.name,
      "Cluster UUID": info.uuid,
      "Creation time": isoTime(info.createdAt),
      "Master node": info.master,
      "Master candidates": info.candidates,
      Nodes: info.nodes,
      "Config serial": info.serial,
      "Cluster parameters": {
        "cluster IP": info.clusterIp,
        "master netdev": masterNetdevText(info.masterNetdev),
        "candidate pool size": info.candidatePoolSize,
        "mac prefix": defaults.macPrefix,
        "lvm volume group": defaults.volumeGroup,
        "file storage path": defaults.fileStorageDir,
      },
      // Ganeti's sections and their groups: by hypervisor, and "default" for backend and NIC parameters.
      "Hypervisor parameters": { [HYPERVISOR]: sorted(defaults.hvparams) },
      "Default instance parameters": { default: sorted(defaults.beparams) },
      "Default nic parameters": { default: sorted(defaults.nicparams) },
      Raft: { term: info.term, "commit index": info.commitIndex },
    },
    "",
  );
}

export function addClusterInfoCommand(program: Command): void {
  const command = program.command("info").description("show the cluster's configuration, read through the master");
  addJsonOption(addEndpointOption(command)).action(async (options: EndpointOptions & { json?: boolean }) => {
    const info = await getJson(endpointOf(options), CLUSTER_PATH, ClusterInfoBodySchema);
    if (options.json) printJson(info);
    else printLines(formatClusterInfo(info));
  });
}
