import type { z } from "zod";
import type {
  ClusterInfoBody,
  ClusterInitRequest,
  ClusterMasterBody,
  ClusterModifyRequestSchema,
  ClusterStatusBody,
  DoneBody,
  NodeModifyRequest,
} from "./contract.js";

/** The cluster operations the local control API serves; the agent's cluster service implements them. */
export interface ClusterControl {
  status(): ClusterStatusBody;
  info(): Promise<ClusterInfoBody>;
  master(): Promise<ClusterMasterBody>;
  init(request: ClusterInitRequest): Promise<ClusterInfoBody>;
  failover(): Promise<ClusterMasterBody>;
  modify(changes: z.infer<typeof ClusterModifyRequestSchema>): Promise<ClusterInfoBody>;
  addNode(name: string): Promise<DoneBody>;
  removeNode(name: string): Promise<DoneBody>;
  modifyNode(name: string, request: NodeModifyRequest): Promise<DoneBody>;
}
