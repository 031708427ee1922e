import { z } from "zod";
import { HardwareSummarySchema } from "../model/hardware.js";
import { ClusterIdSchema, NodeNameSchema } from "../model/node.js";
import { RaftMessageSchema } from "./raft-message.js";

/**
 * The one typed map of alkor's MQTT topics and their payloads:
 * alkor/v1/<cluster>/node/<node>/<kind>. Every payload is validated against
 * its schema on receipt (see codec.ts); a topic outside this map is refused.
 */
export const topicRoot = "alkor/v1";

const UuidSchema = z.string().uuid();

/** Retained on every broker the node links to: who it is and how to reach it. */
export const AnnouncePayloadSchema = z.object({
  clusterId: ClusterIdSchema,
  uuid: UuidSchema,
  name: NodeNameSchema,
  version: z.string().max(64),
  address: z.string().min(1).max(255),
  brokerPort: z.number().int().min(1).max(65535),
  /** Null while the node is still reading its hardware; announced again once known. */
  hardware: HardwareSummarySchema.nullable(),
  /** The cluster the node belongs to, so that nodes with its join token know whom to ask. */
  cluster: z.object({ name: NodeNameSchema, uuid: UuidSchema }).nullable().default(null),
  /** A node waiting to form a cluster from its site config: the name, and proof it holds the join token. */
  formation: z.object({ name: NodeNameSchema, proof: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().default(null),
});

/** Sent to every peer each heartbeat interval; liveness rests on these. */
export const HeartbeatPayloadSchema = z.object({
  uuid: UuidSchema,
  /** Changes at every agent start, so a peer can tell a restart from a delay. */
  incarnation: UuidSchema,
  seq: z.number().int().nonnegative(),
  memoryFreeBytes: z.number().int().nonnegative(),
  diskTotalBytes: z.number().int().nonnegative(),
  diskFreeBytes: z.number().int().nonnegative(),
});

/** Retained, with the last will saying offline: a hint only, never proof of death. */
export const StatusPayloadSchema = z.object({
  uuid: UuidSchema,
  state: z.enum(["online", "offline"]),
});

const replyTopicPattern = /^alkor\/v1\/[^/#+]+\/node\/[^/#+]+\/reply$/;

export const RpcRequestPayloadSchema = z.object({
  id: z.string().min(1).max(64),
  method: z.string().min(1).max(64),
  params: z.unknown(),
  from: NodeNameSchema,
  replyTo: z.string().regex(replyTopicPattern, "must be an alkor reply topic"),
  /** Epoch milliseconds after which the caller no longer waits. */
  deadline: z.number().int().nonnegative(),
  /** Repeats of a request with the same key get the first answer again. */
  idempotencyKey: z.string().min(1).max(128).optional(),
});

export const RpcErrorSchema = z.object({
  code: z.string().max(64),
  message: z.string().max(4096),
});

export const RpcReplyPayloadSchema = z.discriminatedUnion("ok", [
  z.object({ id: z.string().min(1).max(64), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.string().min(1).max(64), ok: z.literal(false), error: RpcErrorSchema }),
]);

export const topicSchemas = {
  announce: AnnouncePayloadSchema,
  heartbeat: HeartbeatPayloadSchema,
  status: StatusPayloadSchema,
  rpc: RpcRequestPayloadSchema,
  reply: RpcReplyPayloadSchema,
  /** Raft's messages, published on the addressee's broker. */
  raft: RaftMessageSchema,
} as const;

export type TopicKind = keyof typeof topicSchemas;
export type Payload<K extends TopicKind> = z.infer<(typeof topicSchemas)[K]>;
export type AnnouncePayload = Payload<"announce">;
export type HeartbeatPayload = Payload<"heartbeat">;
export type RpcRequestPayload = Payload<"rpc">;
export type RpcReplyPayload = Payload<"reply">;

export function isTopicKind(value: string): value is TopicKind {
  return Object.hasOwn(topicSchemas, value);
}

export function nodeTopic(clusterId: string, nodeName: string, kind: TopicKind): string {
  return `${topicRoot}/${clusterId}/node/${nodeName}/${kind}`;
}

/** The subscription pattern for one kind from every node of the cluster. */
export function everyNodeTopic(clusterId: string, kind: TopicKind): string {
  return `${topicRoot}/${clusterId}/node/+/${kind}`;
}

export interface ParsedTopic {
  clusterId: string;
  nodeName: string;
  kind: TopicKind;
}

/** Splits a topic of the map; null for anything else (which is then refused). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts.length !== 6) return null;
  const [root, version, clusterId, node, nodeName, kind] = parts as [string, string, string, string, string, string];
  if (`${root}/${version}` !== topicRoot || node !== "node") return null;
  if (!isTopicKind(kind)) return null;
  if (!ClusterIdSchema.safeParse(clusterId).success || !NodeNameSchema.safeParse(nodeName).success) return null;
  return { clusterId, nodeName, kind };
}

/**
 * The largest payload each kind may carry. Raft's have their own limit: a
 * snapshot of the whole cluster state travels in one InstallSnapshot.
 */
export interface PayloadLimits {
  maxPayloadBytes: number;
  maxRaftPayloadBytes: number;
}

export function payloadLimitOf(kind: TopicKind, limits: PayloadLimits): number {
  return kind === "raft" ? limits.maxRaftPayloadBytes : limits.maxPayloadBytes;
}
