import { z } from "zod";
import { NodeNameSchema } from "../../model/node.js";

/**
 * The replicated cluster configuration: what Raft's log builds, identical on
 * every node that has applied the same entries. Later issues add instances,
 * networks and jobs.
 */

const UuidSchema = z.string().uuid();

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
});
export type ClusterIdentity = z.infer<typeof ClusterIdentitySchema>;

export const ClusterStateSchema = z.object({
  cluster: ClusterIdentitySchema.nullable(),
  nodeGroups: z.record(UuidSchema, NodeGroupSchema),
  nodes: z.record(UuidSchema, ClusterNodeSchema),
  /** Ganeti's serial_no: one more for every change applied. */
  serial: z.number().int().nonnegative(),
});
export type ClusterState = z.infer<typeof ClusterStateSchema>;

export const emptyClusterState: ClusterState = { cluster: null, nodeGroups: {}, nodes: {}, serial: 0 };

const NewNodeSchema = ClusterNodeSchema.omit({ group: true, addedAt: true, operatorDemoted: true });

/** Every change to the cluster state, as it travels in the Raft log. */
export const ClusterCommandSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("cluster.init"),
    cluster: ClusterIdentitySchema,
    defaultGroup: NodeGroupSchema,
    founder: NewNodeSchema,
  }),
  z.object({ kind: z.literal("node.add"), node: NewNodeSchema, at: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("node.remove"), uuid: UuidSchema }),
  z.object({
    kind: z.literal("node.modify"),
    uuid: UuidSchema,
    changes: NodeFlagsSchema.partial(),
    /** Set when an operator's -C no is the reason: the pool is not refilled with this node. */
    byOperator: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("cluster.modify"), changes: z.object({ candidatePoolSize: z.number().int().min(1).max(99) }).partial() }),
]);
export type ClusterCommand = z.infer<typeof ClusterCommandSchema>;

/** A log entry's data: the command and the id its proposer waits on. */
export const ProposalSchema = z.object({ id: z.string().min(1).max(64), command: ClusterCommandSchema });
export type Proposal = z.infer<typeof ProposalSchema>;
