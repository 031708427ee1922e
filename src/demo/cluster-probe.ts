import { CLUSTER_PATH, CLUSTER_STATUS_PATH, ClusterInfoBodySchema, ClusterStatusBodySchema, type ClusterInfoBody, type ClusterStatusBody } from "../api/local/contract.js";
import { getJson } from "../cli/endpoint.js";

/** A node's own view of the cluster, straight from its control socket (unix sockets ignore network namespaces). */
export function clusterStatus(controlSocket: string): Promise<ClusterStatusBody> {
  return getJson({ kind: "unix", socketPath: controlSocket }, CLUSTER_STATUS_PATH, ClusterStatusBodySchema, 2000);
}

/** The cluster as the master sees it, read through the node (linearizable). */
export function clusterInfo(controlSocket: string): Promise<ClusterInfoBody> {
  return getJson({ kind: "unix", socketPath: controlSocket }, CLUSTER_PATH, ClusterInfoBodySchema, 5000);
}

/** True once the master counts `count` voting nodes: only then may any one of them fail without losing the quorum. */
export async function votersAre(controlSocket: string, count: number): Promise<boolean> {
  return (await clusterStatus(controlSocket)).voters?.length === count;
}

/** The master every given node names, when they all name the same one with a lease; else null. */
export async function agreedMaster(controlSockets: readonly string[]): Promise<string | null> {
  const views = await Promise.all(controlSockets.map((socket) => clusterStatus(socket).catch(() => null)));
  const masters = new Set(views.map((view) => view?.master ?? null));
  const leaseHolders = views.filter((view) => view?.holdsLease);
  if (masters.size !== 1 || leaseHolders.length !== 1) return null;
  const [master] = masters;
  return master === leaseHolders[0]!.node ? master! : null;
}
