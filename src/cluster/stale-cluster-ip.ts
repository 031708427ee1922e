import type { Logger } from "pino";
import type { ClusterAddressPort } from "../host/net/cluster-address.js";
import { parseClusterIp } from "../host/net/cluster-address.js";
import type { HeldMarker } from "./cluster-ip-holder.js";
import type { RaftStorage } from "./raft-storage.js";
import { ClusterStateMachine } from "./state/machine.js";

/**
 * After the agent died (systemd's ExecStopPost, even after SIGKILL or a
 * crash), removes the cluster IP from this host: a dead agent cannot hold
 * a lease, and a new master elsewhere is about to take the address. The
 * cluster IP is read from the committed state on disk. Returns what it did.
 */
export async function releaseStaleClusterIp(options: {
  storage: RaftStorage;
  address: ClusterAddressPort;
  deviceOf(address: string): Promise<string | null>;
  managementAddress: string;
  /** Whether this node added the address and did not remove it: on a host several agents share, it may be another's. */
  marker: HeldMarker;
  log: Logger;
}): Promise<string> {
  if (!(await options.marker.read())) return "This node did not hold the cluster IP; there is nothing of its own to release.";
  const stored = await options.storage.load();
  if (!stored) return "This node is in no cluster; there is no cluster IP to release.";
  const machine = new ClusterStateMachine(options.log, () => {});
  const { snapshot, entries, hardState } = stored.state;
  if (snapshot) machine.restore(snapshot.data);
  for (const entry of entries) if (entry.index <= hardState.commit) machine.apply(entry);
  const cluster = machine.state.cluster;
  if (cluster === null) return "The cluster was never initialised; there is no cluster IP to release.";
  const device = cluster.masterNetdev ?? (await options.deviceOf(options.managementAddress));
  if (device === null) return `No device carries the management address ${options.managementAddress}; nothing to release.`;
  const spec = { ...parseClusterIp(cluster.clusterIp), device };
  if (!(await options.address.held(spec))) return `The cluster IP ${cluster.clusterIp} is not on ${device}.`;
  await options.address.release(spec);
  await options.marker.write(false);
  return `Released the cluster IP ${cluster.clusterIp} from ${device}.`;
}
