import { z } from "zod";
import { InstanceViewSchema } from "../../model/instance.js";
import { OsDefinitionViewSchema } from "../../node/instance-rpc-methods.js";
import { InstanceDefaultsSchema } from "../../cluster/state/instance-schema.js";
import { JobPrioritySchema, JobSchema, JobStatusSchema, MAX_OPS_PER_JOB, OpcodeInputSchema, type JobStatus } from "../../cluster/jobs/model.js";
import type { QueueInfo, WatcherInfo } from "../../cluster/jobs/queue-api.js";
import { HTTP_STATUS_BY_CODE, type ErrorCode } from "../../model/errors.js";
import { NodeNameSchema, NodeViewSchema } from "../../model/node.js";

/** The local control API's paths and bodies, shared by the agent's server and the CLI's client. */

export const NODES_PATH = "/v1/nodes";

export function nodePath(name: string): string {
  return `${NODES_PATH}/${encodeURIComponent(name)}`;
}

export const NodeListBodySchema = z.object({ nodes: z.array(NodeViewSchema) });
export type NodeListBody = z.infer<typeof NodeListBodySchema>;

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
  /** What instances run with where they set nothing of their own (alkor-cluster modify -B/-H/-N/...). */
  instanceDefaults: InstanceDefaultsSchema,
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


/*
 * Jobs (the manual's "Задания и опкоды"): every change to the cluster is a
 * job of opcodes, submitted here and run by the master.
 */

export const JOBS_PATH = "/v1/jobs";
export const JOBS_ARCHIVE_PATH = "/v1/jobs/archive";
/** A long poll waits at most this long; a client asking for more gets this. */
export const JOB_WAIT_MAX_MS = 30_000;

export const JobIdSchema = JobSchema.shape.id;

export function jobPath(id: number): string {
  return `${JOBS_PATH}/${id}`;
}

export function jobCancelPath(id: number): string {
  return `${jobPath(id)}/cancel`;
}

/** GET /v1/jobs/ID/wait: answers once the job differs from what the client knows (status, last log serial), or with null after timeoutMs. */
export function jobWaitPath(id: number, known: { status: JobStatus | null; logSerial: number }, timeoutMs: number): string {
  const query = new URLSearchParams({ logSerial: String(known.logSerial), timeoutMs: String(timeoutMs) });
  if (known.status !== null) query.set("status", known.status);
  return `${jobPath(id)}/wait?${query.toString()}`;
}

/** POST /v1/jobs */
export const JobSubmitRequestSchema = z
  .object({ ops: z.array(OpcodeInputSchema).min(1).max(MAX_OPS_PER_JOB), priority: JobPrioritySchema.optional() })
  .strict();
export const JobSubmitBodySchema = z.object({ jobId: JobIdSchema });

/** GET /v1/jobs */
export const JobListBodySchema = z.object({ jobs: z.array(JobSchema) });

/** GET /v1/jobs/ID and POST /v1/jobs/ID/cancel */
export const JobBodySchema = z.object({ job: JobSchema });

/** The query of GET /v1/jobs/ID/wait; query values arrive as text. */
export const JobWaitQuerySchema = z
  .object({
    status: JobStatusSchema.optional(),
    logSerial: z.coerce.number().int().nonnegative().default(0),
    timeoutMs: z.coerce.number().int().nonnegative().default(JOB_WAIT_MAX_MS).transform((ms) => Math.min(ms, JOB_WAIT_MAX_MS)),
  })
  .strict();
export const JobWaitBodySchema = z.object({ job: JobSchema.nullable() });

/** POST /v1/jobs/archive: the given ended jobs, or every job that ended more than olderThanMs ago. */
export const JobArchiveRequestSchema = z.union([
  z.object({ ids: z.array(JobIdSchema).min(1) }).strict(),
  z.object({ olderThanMs: z.number().int().nonnegative() }).strict(),
]);
export const JobArchiveBodySchema = z.object({ archived: z.array(JobIdSchema) });

export const QUEUE_PATH = "/v1/queue";
export const QUEUE_DRAIN_PATH = "/v1/queue/drain";

/** GET /v1/queue */
export const QueueInfoBodySchema: z.ZodType<QueueInfo> = z.object({
  drained: z.boolean(),
  counts: z.record(JobStatusSchema, z.number().int().nonnegative()),
  archiveAfterMs: z.number().int().positive(),
});

/** POST /v1/queue/drain, and its answer. */
export const QueueDrainSchema = z.object({ drained: z.boolean() }).strict();

export const WATCHER_PATH = "/v1/watcher";

/** GET /v1/watcher; POST /v1/watcher pauses it until an instant (epoch ms) or, with null, lets it run. */
export const WatcherInfoSchema: z.ZodType<WatcherInfo> = z.object({ pausedUntil: z.number().int().nonnegative().nullable() }).strict();

export const INSTANCES_PATH = "/v1/instances";

export function instancePath(name: string): string {
  return `${INSTANCES_PATH}/${encodeURIComponent(name)}`;
}

export function instanceConsolePath(name: string): string {
  return `${instancePath(name)}/console`;
}

/** Every instance with its runtime state as the primary nodes report it. */
export const InstanceListBodySchema = z.object({ instances: z.array(InstanceViewSchema) });
export type InstanceListBody = z.infer<typeof InstanceListBodySchema>;
export const InstanceBodySchema = z.object({ instance: InstanceViewSchema });

/** Where an instance's serial console is: the node, and the socket on it. */
export const InstanceConsoleBodySchema = z.object({ instance: z.string(), node: z.string(), self: z.boolean(), socketPath: z.string(), serialConsole: z.boolean() });
export type InstanceConsoleBody = z.infer<typeof InstanceConsoleBodySchema>;

export const OS_PATH = "/v1/os";
/** Every OS definition of every node: which nodes have it valid, and the problems of the others (alkor-os list, diagnose, info). */
export const OsListBodySchema = z.object({
  nodes: z.array(z.object({ node: z.string(), definitions: z.array(OsDefinitionViewSchema).nullable(), error: z.string().nullable() })),
});
export type OsListBody = z.infer<typeof OsListBodySchema>;

export const TAGS_PATH = "/v1/tags";
export const TagKindSchema = z.enum(["cluster", "node", "instance"]);
export type TagKind = z.infer<typeof TagKindSchema>;

export function tagsPath(kind: TagKind, name?: string): string {
  const query = new URLSearchParams({ kind });
  if (name !== undefined) query.set("name", name);
  return `${TAGS_PATH}?${query.toString()}`;
}

/** The query of GET /v1/tags: the cluster's tags, or a node's. */
export const TagsQuerySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cluster") }).strict(),
  z.object({ kind: z.literal("node"), name: NodeNameSchema }).strict(),
  z.object({ kind: z.literal("instance"), name: NodeNameSchema }).strict(),
]);
export const TagsBodySchema = z.object({ tags: z.array(z.string()) });

/*
 * The results of the opcodes whose results the CLI shows (an opcode's result
 * is JSON in the job; these are its shape).
 */

/** OP_TAGS_SEARCH: [path, tag] pairs, such as ["/cluster", "t"] and ["/nodes/node1", "t"]. */
export const TagsSearchResultSchema = z.array(z.tuple([z.string(), z.string()]));

/** OP_CLUSTER_VERIFY */
export const ClusterVerifyResultSchema = z.object({
  passed: z.boolean(),
  problems: z.array(z.object({ severity: z.enum(["error", "warning"]), object: z.string(), message: z.string() })),
});

/** OP_NODE_SET_PARAMS: the parameters changed and their new values, as Ganeti's LUNodeSetParams returns them. */
export const NodeSetParamsResultSchema = z.array(z.tuple([z.string(), z.unknown()]));

/**
 * The thin client's path (native/alkor-cli.c): the agent runs an alkor-*
 * command line for it and streams back frames (cli-frames.ts). Served on
 * the unix socket only.
 */
export const CLI_PATH = "/v1/cli";
export const CliRequestSchema = z
  .object({
    program: z.string().min(1).max(64),
    args: z.array(z.string().max(64 * 1024)).max(4096),
    stdinIsTTY: z.boolean(),
    /** The caller's $TZ, "" when unset: times are printed in the zone of the process that prints them. */
    timeZone: z.string().max(256),
  })
  .strict();
export type CliRequest = z.infer<typeof CliRequestSchema>;
