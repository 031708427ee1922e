import { z } from "zod";
import type { ErrorCode } from "../../model/errors.js";
import { NodeNameSchema, NodeViewSchema } from "../../model/node.js";

/** The local control API's paths and bodies, shared by the agent's server and the CLI's client. */

export const NODES_PATH = "/v1/nodes";

export function nodePath(name: string): string {
  return `${NODES_PATH}/${encodeURIComponent(name)}`;
}

export const NodeListBodySchema = z.object({ nodes: z.array(NodeViewSchema) });
export type NodeListBody = z.infer<typeof NodeListBodySchema>;

/** The HTTP status each error code travels with; a Record so a new code cannot be forgotten. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  wrong_input: 400,
  unknown_entity: 404,
  already_exists: 409,
  wrong_state: 409,
  insufficient_resources: 409,
  // Both say "try again later" to a client.
  environment_error: 503,
  timeout: 504,
  internal_error: 500,
};

const ErrorCodeSchema = z.enum(Object.keys(HTTP_STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBodySchema = z.object({
  error: z.object({ code: ErrorCodeSchema, message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const CLUSTER_PATH = "/v1/cluster";
export const CLUSTER_STATUS_PATH = "/v1/cluster/status";
export const CLUSTER_MASTER_PATH = "/v1/cluster/master";
export const CLUSTER_INIT_PATH = "/v1/cluster/init";
export const CLUSTER_FAILOVER_PATH = "/v1/cluster/master-failover";
export const CLUSTER_MODIFY_PATH = "/v1/cluster/modify";

export function nodeModifyPath(name: string): string {
  return `${nodePath(name)}/modify`;
}

/** POST /v1/cluster/init */
export const ClusterInitRequestSchema = z
  .object({
    name: NodeNameSchema,
    clusterIp: z.string().min(1).max(64),
    joinToken: z.string().min(8, "must be at least 8 characters").max(256),
    masterNetdev: z.string().min(1).max(15).nullable().default(null),
    candidatePoolSize: z.number().int().min(1).max(99).default(5),
  })
  .strict();
export type ClusterInitRequest = z.infer<typeof ClusterInitRequestSchema>;

/** GET /v1/cluster: the cluster as the master sees it (a linearizable read). */
export const ClusterInfoBodySchema = z.object({
  name: z.string(),
  uuid: z.string(),
  master: z.string(),
  clusterIp: z.string(),
  masterNetdev: z.string().nullable(),
  candidatePoolSize: z.number().int(),
  createdAt: z.number(),
  serial: z.number().int(),
  nodes: z.number().int(),
  candidates: z.array(z.string()),
  term: z.number().int(),
  commitIndex: z.number().int(),
});
export type ClusterInfoBody = z.infer<typeof ClusterInfoBodySchema>;

/** GET /v1/cluster/status: this node's own view, answered without the master (works in a minority too). */
export const ClusterStatusBodySchema = z.object({
  node: z.string(),
  version: z.string(),
  protocolVersion: z.string(),
  member: z.boolean(),
  clusterName: z.string().nullable(),
  clusterUuid: z.string().nullable(),
  raftRole: z.string().nullable(),
  term: z.number().int().nullable(),
  commitIndex: z.number().int().nullable(),
  master: z.string().nullable(),
  /** The nodes that vote in Raft's latest configuration, by name; null outside a cluster. */
  voters: z.array(z.string()).nullable(),
  holdsLease: z.boolean(),
  quorumContactAgeMs: z.number().nullable(),
  selfFenceDue: z.boolean(),
  formation: z.string().nullable(),
});
export type ClusterStatusBody = z.infer<typeof ClusterStatusBodySchema>;

/** GET /v1/cluster/master and POST /v1/cluster/master-failover */
export const ClusterMasterBodySchema = z.object({ master: z.string() });
export type ClusterMasterBody = z.infer<typeof ClusterMasterBodySchema>;

/** POST /v1/cluster/modify */
export const ClusterModifyRequestSchema = z.object({ candidatePoolSize: z.number().int().min(1).max(99).optional() }).strict();

/** POST /v1/nodes: admit a discovered node. */
export const NodeAddRequestSchema = z.object({ name: NodeNameSchema }).strict();

/** POST /v1/nodes/NAME/modify */
export const NodeModifyRequestSchema = z
  .object({
    changes: z
      .object({
        masterCandidate: z.boolean(),
        drained: z.boolean(),
        offline: z.boolean(),
        masterCapable: z.boolean(),
        vmCapable: z.boolean(),
      })
      .partial()
      .strict(),
    force: z.boolean().default(false),
  })
  .strict();
export type NodeModifyRequest = z.infer<typeof NodeModifyRequestSchema>;

/** Answers of POST/DELETE that have nothing more to say. */
export const DoneBodySchema = z.object({ done: z.literal(true), message: z.string() });
export type DoneBody = z.infer<typeof DoneBodySchema>;
