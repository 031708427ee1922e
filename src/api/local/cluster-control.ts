import type { ClusterInfoBody, ClusterInitRequest, ClusterMasterBody, ClusterStatusBody, TagKind } from "./contract.js";

/**
 * The cluster operations the local control API serves directly; the agent's
 * cluster service implements them. Changes to a formed cluster are jobs
 * (JobQueueApi), not operations here.
 */
export interface ClusterControl {
  status(): ClusterStatusBody;
  info(): Promise<ClusterInfoBody>;
  master(): Promise<ClusterMasterBody>;
  init(request: ClusterInitRequest): Promise<ClusterInfoBody>;
  failover(): Promise<ClusterMasterBody>;
  /** The cluster's tags, or a node's (name required then); unknown_entity for a node not in the cluster. */
  tags(kind: TagKind, name?: string): Promise<string[]>;
}
