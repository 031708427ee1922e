import { z } from "zod";
import { NodeNameSchema } from "../model/node.js";
import type { RpcMethodMap } from "../transport/rpc.js";
import { ClusterCommandSchema } from "./state/schema.js";

const UuidSchema = z.string().uuid();

/** What cluster members ask each other, and mostly the master, over MQTT RPC. */
export const clusterRpcMethods = {
  /** Commit a command; answered by the master once applied. */
  "cluster.propose": {
    params: z.object({ command: ClusterCommandSchema }).strict(),
    result: z.object({ serial: z.number().int(), result: z.unknown() }),
  },
  /** A linearizable read: the master confirms it still leads and names the index to catch up to (thesis §6.4). */
  "cluster.read": {
    params: z.object({}).strict(),
    result: z.object({ index: z.number().int().nonnegative(), master: UuidSchema }),
  },
  /** A node asks to join, proving it holds the join token. */
  "cluster.join": {
    params: z
      .object({
        clusterUuid: UuidSchema,
        uuid: UuidSchema,
        name: NodeNameSchema,
        address: z.string().min(1).max(255),
        brokerPort: z.number().int().min(1).max(65535),
        proof: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
    result: z.object({ clusterName: NodeNameSchema }),
  },
  /** The master hands leadership to the given candidate (master-failover). */
  "cluster.transfer": {
    params: z.object({ to: UuidSchema }).strict(),
    result: z.object({}),
  },
  /** The master tells a node it was added (`alkor-node add`) and should start following. */
  "cluster.adopt": {
    params: z.object({ clusterUuid: UuidSchema, clusterName: NodeNameSchema }).strict(),
    result: z.object({}),
  },
  /** The master tells a node it was removed: it forgets the cluster. */
  "cluster.evict": {
    params: z.object({ clusterUuid: UuidSchema }).strict(),
    result: z.object({}),
  },
} satisfies RpcMethodMap;

export type ClusterRpcMethods = typeof clusterRpcMethods;
