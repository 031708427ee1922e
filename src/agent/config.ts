import { z } from "zod";
import { ClusterIdSchema, NodeNameSchema } from "../model/node.js";
import { AlkorError } from "../model/errors.js";

const PortSchema = z.number().int().min(1).max(65535);
const HostPortSchema = z
  .string()
  .regex(/^(\[[0-9a-f:]+\]|[^:\s]+):\d{1,5}$/i, "must be HOST:PORT (IPv6 in brackets)");

/**
 * alkord's configuration: one schema, every setting with a default, so an
 * empty file (or none) gives a working single node.
 */
export const AgentConfigSchema = z
  .object({
    /** Nodes announcing another cluster id are ignored. */
    clusterId: ClusterIdSchema.default("alkor"),
    /** The node's name; defaults to the host name, and is kept in the state directory once chosen. */
    nodeName: NodeNameSchema.optional(),
    stateDir: z.string().min(1).default("/var/lib/alkor"),
    /** The local control socket the alkor-* commands talk to. */
    controlSocket: z.string().min(1).default("/run/alkor/alkord.sock"),
    /** Directory of hardware profiles (hw-profiles/); the packaged one when unset. */
    profilesDir: z.string().min(1).optional(),
    management: z
      .object({
        /** The address the embedded broker listens on and peers reach this node at. */
        address: z.string().min(1).default("127.0.0.1"),
        brokerPort: PortSchema.default(1883),
      })
      .strict()
      .default({ address: "127.0.0.1", brokerPort: 1883 }),
    discovery: z
      .object({
        /** Peers to contact first, for networks without multicast. */
        seeds: z.array(HostPortSchema).default([]),
        mdns: z.boolean().default(false),
        /** Network interface for mDNS (its IPv4 address); all when unset. */
        mdnsInterface: z.string().optional(),
      })
      .strict()
      .default({ seeds: [], mdns: false }),
    membership: z
      .object({
        heartbeatIntervalMs: z.number().int().min(50).max(60_000).default(1000),
        /** Silence after which a node is suspect. */
        suspectAfterMs: z.number().int().min(100).default(3000),
        /** Silence after which a node is dead. */
        deadAfterMs: z.number().int().min(200).default(10_000),
      })
      .strict()
      .refine((m) => m.suspectAfterMs > m.heartbeatIntervalMs, {
        message: "suspectAfterMs must be longer than heartbeatIntervalMs",
        path: ["suspectAfterMs"],
      })
      .refine((m) => m.deadAfterMs > m.suspectAfterMs, {
        message: "deadAfterMs must be longer than suspectAfterMs",
        path: ["deadAfterMs"],
      })
      .default({ heartbeatIntervalMs: 1000, suspectAfterMs: 3000, deadAfterMs: 10_000 }),
    transport: z
      .object({
        /** Payloads above this size are refused by the broker and dropped by the agent. */
        maxPayloadBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
        reconnectMinMs: z.number().int().min(10).default(200),
        reconnectMaxMs: z.number().int().min(100).default(5000),
        rpcTimeoutMs: z.number().int().min(100).default(5000),
      })
      .strict()
      .default({ maxPayloadBytes: 256 * 1024, reconnectMinMs: 200, reconnectMaxMs: 5000, rpcTimeoutMs: 5000 }),
    log: z
      .object({
        level: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
      })
      .strict()
      .default({ level: "info" }),
  })
  .strict();

export type AgentConfig = z.infer<typeof AgentConfigSchema>;

/** Validates a parsed config document; the error names every bad field. */
export function parseAgentConfig(document: unknown, source: string): AgentConfig {
  const result = AgentConfigSchema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `${field}: ${issue.message}`;
  });
  throw new AlkorError("wrong_input", `Invalid configuration in ${source}: ${problems.join("; ")}.`, { problems });
}

/** Parses the text of a config file; a missing file is the caller's choice (defaults). */
export function parseAgentConfigText(text: string, source: string): AgentConfig {
  let document: unknown;
  try {
    document = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    throw new AlkorError("wrong_input", `Configuration file ${source} is not valid JSON: ${(error as Error).message}.`);
  }
  return parseAgentConfig(document, source);
}
