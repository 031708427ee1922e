import { z } from "zod";
import { NodeNameSchema } from "../../model/node.js";
import {
  defaultJobQueueSettings,
  JobErrorSchema,
  JobPrioritySchema,
  JobQueueSettingsSchema,
  JobSchema,
  MAX_OPS_PER_JOB,
  OpcodeInputSchema,
} from "../jobs/model.js";
import { defaultInstanceDefaults, InstanceChangesSchema, InstanceDefaultsSchema, InstanceNameSchema, InstanceSchema, NewInstanceSchema } from "./instance-schema.js";

/**
 * The replicated cluster configuration: what Raft's log builds, identical on
 * every node that has applied the same entries. Later issues add networks.
 */

const UuidSchema = z.string().uuid();

/** Ganeti's tag rules: 1 to 128 of letters, digits and .+*\/:@_-, at most 4096 on one object. */
export const TagSchema = z
  .string()
  .min(1, "a tag cannot be empty")
  .max(128, "a tag is at most 128 characters")
  .regex(/^[\w.+*/:@-]+$/, "a tag may hold only letters, digits and . + * / : @ _ -");
export const MAX_TAGS_PER_OBJECT = 4096;
const TagsSchema = z.array(TagSchema).max(MAX_TAGS_PER_OBJECT);

export const NodeFlagsSchema = z.object({
  masterCandidate: z.boolean(),
  drained: z.boolean(),
  offline: z.boolean(),
  masterCapable: z.boolean(),
  vmCapable: z.boolean(),
});
export type NodeFlags = z.infer<typeof NodeFlagsSchema>;

export const ClusterNodeSchema = NodeFlagsSchema.extend({
  uuid: UuidSchema,
  name: NodeNameSchema,
  address: z.string().min(1).max(255),
  brokerPort: z.number().int().min(1).max(65535),
  group: UuidSchema,
  /** Demoted by an operator (-C no): the master does not promote it again by itself. */
  operatorDemoted: z.boolean().default(false),
  /** Epoch ms, as the proposing master saw it. */
  addedAt: z.number().int().nonnegative(),
  /** Sorted, without duplicates. */
  tags: TagsSchema.default([]),
});
export type ClusterNode = z.infer<typeof ClusterNodeSchema>;

export const NodeGroupSchema = z.object({ uuid: UuidSchema, name: z.string().min(1).max(64) });
export type NodeGroup = z.infer<typeof NodeGroupSchema>;

export const ClusterIdentitySchema = z.object({
  name: NodeNameSchema,
  uuid: UuidSchema,
  /** The master's address, IP/prefix; held by the leader only. */
  clusterIp: z.string().min(1).max(64),
  /** The device the cluster IP goes on; null means the one carrying each master's management address. */
  masterNetdev: z.string().min(1).max(15).nullable(),
  candidatePoolSize: z.number().int().min(1).max(99),
  /** Nodes prove knowledge of it to join (HMAC, never sent in the clear); kept so any future master can check. */
  joinToken: z.string().min(8).max(256),
  createdAt: z.number().int().nonnegative(),
  /** The cluster's certificate and key (PEM), which every node's API serves; made by the first master that finds none. */
  tls: z.object({ cert: z.string().min(1).max(16_384), key: z.string().min(1).max(16_384) }).nullable().default(null),
});
export type ClusterIdentity = z.infer<typeof ClusterIdentitySchema>;

export const ClusterStateSchema = z.object({
  cluster: ClusterIdentitySchema.nullable(),
  nodeGroups: z.record(UuidSchema, NodeGroupSchema),
  nodes: z.record(UuidSchema, ClusterNodeSchema),
  /** The cluster's own tags; sorted, without duplicates. */
  tags: TagsSchema.default([]),
  /** Instances by UUID. */
  instances: z.record(UuidSchema, InstanceSchema.extend({ tags: TagsSchema.default([]) })).default({}),
  /** The cluster-wide defaults of instance parameters (alkor-cluster modify -B/-H/-N). */
  instanceDefaults: InstanceDefaultsSchema.default(defaultInstanceDefaults),
  /** Jobs not archived yet, by id (as a decimal string). */
  jobs: z.record(z.string().regex(/^[1-9][0-9]*$/), JobSchema).default({}),
  queue: JobQueueSettingsSchema.default(defaultJobQueueSettings),
  watcher: z.object({ pausedUntil: z.number().int().nullable() }).default({ pausedUntil: null }),
  /** Ganeti's serial_no: one more for every change applied. */
  serial: z.number().int().nonnegative(),
});
export type ClusterState = z.infer<typeof ClusterStateSchema>;

export const emptyClusterState: ClusterState = {
  cluster: null,
  nodeGroups: {},
  nodes: {},
  tags: [],
  instances: {},
  instanceDefaults: defaultInstanceDefaults,
  jobs: {},
  queue: defaultJobQueueSettings,
  watcher: { pausedUntil: null },
  serial: 0,
};

const NewNodeSchema = ClusterNodeSchema.omit({ group: true, addedAt: true, operatorDemoted: true, tags: true });

const JobIdSchema = z.number().int().positive();
const EpochMsSchema = z.number().int().nonnegative();
const TagTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cluster") }),
  z.object({ kind: z.literal("node"), uuid: UuidSchema }),
  z.object({ kind: z.literal("instance"), uuid: UuidSchema }),
]);
export type TagTarget = z.infer<typeof TagTargetSchema>;

/** Changes to the cluster's objects: what opcodes commit as their effects, and what the agent itself proposes. */
export const ObjectCommandSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("node.add"), node: NewNodeSchema, at: EpochMsSchema }),
  z.object({ kind: z.literal("node.remove"), uuid: UuidSchema }),
  z.object({
    kind: z.literal("node.modify"),
    uuid: UuidSchema,
    changes: NodeFlagsSchema.partial(),
    /** Set when an operator's -C no is the reason: the pool is not refilled with this node. */
    byOperator: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("cluster.modify"), changes: z.object({ candidatePoolSize: z.number().int().min(1).max(99) }).partial() }),
  z.object({ kind: z.literal("tags.add"), target: TagTargetSchema, tags: z.array(TagSchema).min(1).max(MAX_TAGS_PER_OBJECT) }),
  z.object({ kind: z.literal("tags.remove"), target: TagTargetSchema, tags: z.array(TagSchema).min(1).max(MAX_TAGS_PER_OBJECT) }),
  z.object({ kind: z.literal("queue.modify"), changes: z.object({ drained: z.boolean(), archiveAfterMs: z.number().int().positive() }).partial() }),
  z.object({ kind: z.literal("watcher.pause"), until: EpochMsSchema.nullable() }),
  z.object({ kind: z.literal("instance.add"), instance: NewInstanceSchema }),
  z.object({ kind: z.literal("instance.remove"), uuid: UuidSchema }),
  z.object({ kind: z.literal("instance.modify"), uuid: UuidSchema, changes: InstanceChangesSchema, at: EpochMsSchema }),
  z.object({ kind: z.literal("instance.rename"), uuid: UuidSchema, name: InstanceNameSchema, at: EpochMsSchema }),
  z.object({ kind: z.literal("instance.defaults"), changes: InstanceDefaultsSchema.partial() }),
  z.object({ kind: z.literal("cluster.certificate"), tls: z.object({ cert: z.string().min(1).max(16_384), key: z.string().min(1).max(16_384) }) }),
]);
export type ObjectCommand = z.infer<typeof ObjectCommandSchema>;

/** How an opcode ended, as the master that ran it commits it. */
export const OpEndSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.unknown(), effects: z.array(ObjectCommandSchema).max(1000) }),
  z.object({ ok: z.literal(false), error: JobErrorSchema }),
]);
export type OpEnd = z.infer<typeof OpEndSchema>;

/** The job queue's changes (src/cluster/jobs/). */
export const JobCommandSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("job.submit"),
    ops: z.array(OpcodeInputSchema).min(1).max(MAX_OPS_PER_JOB),
    priority: JobPrioritySchema,
    submittedBy: z.string().max(64),
    at: EpochMsSchema,
  }),
  /** The master could not give the job's next opcode its locks yet. */
  z.object({ kind: z.literal("job.waiting"), id: JobIdSchema }),
  /** The start marker of an opcode with side effects: committed before its steps run, so no master runs them twice. */
  z.object({ kind: z.literal("job.opStart"), id: JobIdSchema, opIndex: z.number().int().nonnegative(), at: EpochMsSchema }),
  z.object({
    kind: z.literal("job.log"),
    id: JobIdSchema,
    opIndex: z.number().int().nonnegative(),
    at: EpochMsSchema,
    type: z.enum(["message", "progress"]),
    message: z.string().max(4096),
  }),
  z.object({
    kind: z.literal("job.opEnd"),
    id: JobIdSchema,
    opIndex: z.number().int().nonnegative(),
    startedAt: EpochMsSchema,
    at: EpochMsSchema,
    outcome: OpEndSchema,
    /** A pure opcode's messages, committed with its end: a run that a master change cut short leaves no trace. */
    log: z.array(z.object({ at: EpochMsSchema, message: z.string().max(4096) })).max(1000).optional(),
  }),
  z.object({ kind: z.literal("job.cancel"), id: JobIdSchema, at: EpochMsSchema }),
  z.object({ kind: z.literal("job.archive"), ids: z.array(JobIdSchema).min(1).max(10_000) }),
]);
export type JobCommand = z.infer<typeof JobCommandSchema>;

/** Every change to the cluster state, as it travels in the Raft log. */
export const ClusterCommandSchema = z.union([
  z.object({
    kind: z.literal("cluster.init"),
    cluster: ClusterIdentitySchema,
    defaultGroup: NodeGroupSchema,
    founder: NewNodeSchema,
  }),
  ObjectCommandSchema,
  JobCommandSchema,
]);
export type ClusterCommand = z.infer<typeof ClusterCommandSchema>;

/** A log entry's data: the command and the id its proposer waits on. */
export const ProposalSchema = z.object({ id: z.string().min(1).max(64), command: ClusterCommandSchema });
export type Proposal = z.infer<typeof ProposalSchema>;
