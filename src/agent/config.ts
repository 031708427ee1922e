import { z } from "zod";
import { ClusterIdSchema, NodeNameSchema } from "../model/node.js";
import { AlkorError } from "../model/errors.js";
import { SiteConfigSchema } from "../cluster/site-config.js";

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
        /** Raft's messages carry whole snapshots of the cluster state. */
        maxRaftPayloadBytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(64 * 1024 * 1024),
        reconnectMinMs: z.number().int().min(10).default(200),
        reconnectMaxMs: z.number().int().min(100).default(5000),
        rpcTimeoutMs: z.number().int().min(100).default(5000),
      })
      .strict()
      .default({ maxPayloadBytes: 256 * 1024, maxRaftPayloadBytes: 64 * 1024 * 1024, reconnectMinMs: 200, reconnectMaxMs: 5000, rpcTimeoutMs: 5000 }),
    cluster: z
      .object({
        /** Join any cluster that accepts this token (without a site config, this node never founds one). */
        joinToken: z.string().min(8, "must be at least 8 characters").max(256).optional(),
        /** Zero-touch formation; else read from siteConfigFile, else from the kernel command line. */
        site: SiteConfigSchema.optional(),
        siteConfigFile: z.string().min(1).default("/etc/alkor/site.json"),
        kernelCmdline: z.string().min(1).default("/proc/cmdline"),
        /** Raft's clock: one tick; elections time out after electionTicks to twice that (§5.2). */
        tickMs: z.number().int().min(10).max(10_000).default(100),
        electionTicks: z.number().int().min(4).max(1000).default(8),
        heartbeatTicks: z.number().int().min(1).max(100).default(1),
        /** A node cut off from the majority this long must consider itself fenced. */
        selfFenceTimeoutMs: z.number().int().min(1000).default(15_000),
        candidatePoolSize: z.number().int().min(1).max(99).default(5),
        /** Snapshot the cluster state and drop the log behind it every this many entries. */
        compactEvery: z.number().int().min(10).default(1000),
        proposalTimeoutMs: z.number().int().min(100).default(10_000),
      })
      .strict()
      .refine((c) => c.heartbeatTicks * 2 < c.electionTicks, { message: "heartbeatTicks must be well below electionTicks", path: ["heartbeatTicks"] })
      .default({
        siteConfigFile: "/etc/alkor/site.json",
        kernelCmdline: "/proc/cmdline",
        tickMs: 100,
        electionTicks: 8,
        heartbeatTicks: 1,
        selfFenceTimeoutMs: 15_000,
        candidatePoolSize: 5,
        compactEvery: 1000,
        proposalTimeoutMs: 10_000,
      }),
    /** The HTTPS API compatible with Ganeti's RAPI; it starts once the cluster has its certificate. */
    rapi: z
      .object({
        /** "0.0.0.0" serves every address, the cluster IP included; a single address gets the cluster IP added while this node holds it. */
        address: z.string().min(1).default("0.0.0.0"),
        port: PortSchema.default(5080),
        /** Ganeti's rapi_users format: `NAME {HA1}HASH|{scrypt}HASH [write]` a line. */
        usersFile: z.string().min(1).default("/etc/alkor/rapi-users"),
      })
      .strict()
      .default({ address: "0.0.0.0", port: 5080, usersFile: "/etc/alkor/rapi-users" }),
    jobs: z
      .object({
        /** Jobs the master runs at once (Ganeti has 25 job workers); opcodes of pure state changes are cheap. */
        maxRunningJobs: z.number().int().min(1).max(1000).default(64),
        /** How often the master looks for ended jobs to archive (their age limit is in the cluster's queue settings). */
        archiveCheckMs: z.number().int().min(1000).default(60_000),
      })
      .strict()
      .default({ maxRunningJobs: 64, archiveCheckMs: 60_000 }),
    /** How this node runs instances (issue 6). */
    instances: z
      .object({
        /** The libvirt connection: qemu:///system on a node; libvirt's test:///default in the demo. */
        hypervisorUri: z.string().min(1).default("qemu:///system"),
        /** auto: test for a test: URI, kvm where /dev/kvm exists, else qemu (TCG emulation). */
        domainType: z.enum(["auto", "kvm", "qemu", "test"]).default("auto"),
        /** This node's file storage directory instead of the cluster's (several agents on one host, as in the demo). */
        fileStorageDir: z.string().regex(/^\//, "must be an absolute path").optional(),
        /** Where OS definitions are looked for, first match wins; the packaged os/ directory comes last. */
        osSearchPath: z.array(z.string().regex(/^\//, "must be an absolute path")).default(["/srv/alkor/os"]),
        /** Serial console sockets of the instances running here. */
        consoleDir: z.string().regex(/^\//, "must be an absolute path").default("/run/alkor/consoles"),
        /** Output of OS scripts (Ganeti keeps it in /var/log/ganeti/os). */
        osLogDir: z.string().regex(/^\//, "must be an absolute path").default("/var/log/alkor/os"),
      })
      .strict()
      .default({ hypervisorUri: "qemu:///system", domainType: "auto", osSearchPath: ["/srv/alkor/os"], consoleDir: "/run/alkor/consoles", osLogDir: "/var/log/alkor/os" }),
    /**
     * This node's own BMC, as peers reach it over IPMI LAN to fence this node
     * (power it off); the image fills it in from the site config.
     */
    bmc: z
      .object({
        address: z.string().min(1),
        port: PortSchema.default(623),
        user: z.string().min(1),
        password: z.string().min(1),
      })
      .strict()
      .optional(),
    /**
     * Feed a hardware watchdog while the agent lives, so that a dead or hung
     * agent gets its node reset. The timeout is the driver's: feedIntervalMs
     * must be under half of it.
     */
    watchdog: z
      .object({
        device: z.string().min(1).default("/dev/watchdog"),
        feedIntervalMs: z.number().int().min(100).default(5000),
      })
      .strict()
      .optional(),
    log: z
      .object({
        level: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
      })
      .strict()
      .default({ level: "info" }),
  })
  .strict();

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
/** A config document as written: every setting with a default may be left out. */
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;

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
