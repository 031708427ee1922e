import { z } from "zod";
import type { Entry, Message, Snapshot } from "../consensus/types.js";

/**
 * Raft's messages and records as they cross the wire or the disk, validated
 * like every other payload: a peer's malformed message never reaches the
 * state machine.
 */

const NodeIdSchema = z.string().min(1).max(64);
const IndexSchema = z.number().int().nonnegative();
const ConfigurationShape = { voters: z.array(NodeIdSchema), learners: z.array(NodeIdSchema) };

export const ConfChangeSchema = z.object({
  type: z.enum(["add-voter", "remove-voter", "add-learner", "promote-learner", "remove-learner"]),
  node: NodeIdSchema,
});

export const EntrySchema: z.ZodType<Entry> = z.object({
  term: IndexSchema,
  index: z.number().int().positive(),
  data: z.unknown(),
  config: z.object({ ...ConfigurationShape, change: ConfChangeSchema }).optional(),
}) as z.ZodType<Entry>;

export const SnapshotSchema: z.ZodType<Snapshot> = z.object({
  ...ConfigurationShape,
  index: IndexSchema,
  term: IndexSchema,
  data: z.unknown(),
}) as z.ZodType<Snapshot>;

const envelope = { from: NodeIdSchema, to: NodeIdSchema, term: IndexSchema };

export const RaftMessageSchema: z.ZodType<Message> = z.discriminatedUnion("type", [
  z.object({
    ...envelope,
    type: z.enum(["RequestVote", "PreVote"]),
    lastLogIndex: IndexSchema,
    lastLogTerm: IndexSchema,
    leadershipTransfer: z.boolean().optional(),
  }),
  z.object({ ...envelope, type: z.enum(["RequestVoteResponse", "PreVoteResponse"]), voteGranted: z.boolean() }),
  z.object({
    ...envelope,
    type: z.literal("AppendEntries"),
    prevLogIndex: IndexSchema,
    prevLogTerm: IndexSchema,
    entries: z.array(EntrySchema),
    leaderCommit: IndexSchema,
    leaderTick: IndexSchema,
  }),
  z.object({
    ...envelope,
    type: z.literal("AppendEntriesResponse"),
    success: z.boolean(),
    matchIndex: IndexSchema,
    rejectedIndex: IndexSchema,
    conflictTerm: IndexSchema.nullable(),
    conflictIndex: IndexSchema,
    leaderTick: IndexSchema.nullable(),
  }),
  z.object({ ...envelope, type: z.literal("TimeoutNow") }),
  z.object({ ...envelope, type: z.literal("InstallSnapshot"), snapshot: SnapshotSchema, leaderTick: IndexSchema }),
]) as z.ZodType<Message>;
