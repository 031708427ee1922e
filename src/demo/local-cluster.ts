import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentConfig, AgentConfigInput } from "../agent/config.js";
import { NODES_PATH, NodeListBodySchema } from "../api/local/contract.js";
import { getJson } from "../cli/endpoint.js";
import type { NodeView } from "../model/node.js";

// bin/alkord runs the bundle `make build` makes from agent/main.ts: what ships and what runs.
const alkord = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin", "alkord");

export interface LocalNode {
  name: string;
  address: string;
  port: number;
  dir: string;
  configPath: string;
  controlSocket: string;
  logPath: string;
  process: ChildProcess | undefined;
}

export interface LocalClusterOptions {
  /** Where each node gets its directory (config, state, socket, log). */
  baseDir: string;
  clusterId: string;
  count: number;
  /** The first three octets of the nodes' loopback addresses, e.g. "127.0.10": node i gets .i */
  addressPrefix: string;
  port?: number;
  membership?: Partial<AgentConfig["membership"]>;
  logLevel?: AgentConfig["log"]["level"];
  /** The RAPI's port on every node (5080); its users file is rapiUsersFile. */
  rapiPort?: number;
  /** Name prefix; nodes are PREFIX1, PREFIX2, ... */
  namePrefix?: string;
  /** Settings every node gets on top of the defaults here (e.g. discovery by mDNS instead of seeds). */
  configOverrides?: Partial<AgentConfigInput>;
  /**
   * A command bin/alkord runs under, e.g. ["ip", "netns", "exec", NS], or one
   * per node (each in its own namespace); it must exec it in place.
   */
  launcher?: readonly string[] | ((node: LocalNode) => readonly string[]);
}

/**
 * Real alkord processes on this machine, each on its own loopback address with
 * its own state directory and control socket: the demo, the integration tests
 * and the discovery benchmark all run the agent this way.
 */
export class LocalCluster {
  readonly nodes: LocalNode[];

  constructor(private readonly options: LocalClusterOptions) {
    const port = options.port ?? 1883;
    this.nodes = Array.from({ length: options.count }, (_, index) => {
      const name = `${options.namePrefix ?? "node"}${index + 1}`;
      const dir = join(options.baseDir, name);
      return {
        name,
        address: `${options.addressPrefix}.${index + 1}`,
        port,
        dir,
        configPath: join(dir, "alkord.json"),
        controlSocket: join(dir, "alkord.sock"),
        logPath: join(dir, "alkord.log"),
        process: undefined,
      };
    });
  }

  /** Writes every node's config (all seeded with the first node) and starts them all. */
  /** The RAPI users file every node reads (Ganeti's format); write it with writeRapiUsers(). */
  get rapiUsersFile(): string {
    return join(this.options.baseDir, "rapi-users");
  }

  async writeRapiUsers(lines: readonly string[]): Promise<void> {
    await mkdir(this.options.baseDir, { recursive: true });
    await writeFile(this.rapiUsersFile, `${lines.join("\n")}\n`, { mode: 0o600 });
  }

  async start(): Promise<void> {
    for (const node of this.nodes) await this.writeConfig(node, this.configFor(node));
    await Promise.all(this.nodes.map((node) => this.startNode(node.name)));
  }

  configFor(node: LocalNode, overrides: Partial<AgentConfigInput> = {}): Record<string, unknown> {
    const first = this.nodes[0]!;
    return {
      clusterId: this.options.clusterId,
      nodeName: node.name,
      stateDir: join(node.dir, "state"),
      controlSocket: node.controlSocket,
      management: { address: node.address, brokerPort: node.port },
      // Each node's RAPI on its own address; the master's also on the cluster IP.
      rapi: { address: node.address, port: this.options.rapiPort ?? 5080, usersFile: this.rapiUsersFile },
      discovery: { seeds: [`${first.address}:${first.port}`], mdns: false },
      // libvirt's test driver (in-memory, one per agent process) and each node's own disk, console and log directories.
      instances: {
        hypervisorUri: "test:///default",
        domainType: "test",
        fileStorageDir: join(node.dir, "file-storage"),
        consoleDir: join(node.dir, "consoles"),
        osLogDir: join(node.dir, "os-logs"),
        osSearchPath: [],
      },
      ...(this.options.membership ? { membership: this.options.membership } : {}),
      log: { level: this.options.logLevel ?? "info" },
      ...this.options.configOverrides,
      ...overrides,
    };
  }

  async writeConfig(node: LocalNode, config: Record<string, unknown>): Promise<void> {
    await mkdir(node.dir, { recursive: true });
    await writeFile(node.configPath, `${JSON.stringify(config, null, 2)}\n`);
  }

  node(name: string): LocalNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`No node ${name} in this local cluster.`);
    return node;
  }

  async startNode(name: string): Promise<void> {
    const node = this.node(name);
    const log = await open(node.logPath, "a");
    const launcher = typeof this.options.launcher === "function" ? this.options.launcher(node) : this.options.launcher ?? [];
    const [command, ...args] = [...launcher, alkord, "--config", node.configPath];
    const child = spawn(command!, args, {
      stdio: ["ignore", log.fd, log.fd],
    });
    node.process = child;
    child.once("exit", () => void log.close());
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  }

  /** Sends a signal and waits for the process to end (SIGKILL after graceMs). */
  async stopNode(name: string, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
    const child = this.node(name).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.stopNode(node.name)));
  }

  /** The node list as the named node's agent reports it. */
  list(name: string): Promise<NodeView[]> {
    return listNodes(this.node(name).controlSocket);
  }

  /** True when every given node lists exactly `expected` nodes, all alive. */
  converged(viewers: readonly string[], expected: readonly string[]): Promise<boolean> {
    return everyoneSeesAllAlive(viewers.map((name) => this.node(name).controlSocket), expected);
  }
}

/** The node list as the agent behind a control socket reports it. */
export function listNodes(controlSocket: string): Promise<NodeView[]> {
  return getJson({ kind: "unix", socketPath: controlSocket }, NODES_PATH, NodeListBodySchema, 2000).then((body) => body.nodes);
}

/** True when the agent behind each socket lists exactly `expected` nodes, all alive. */
export async function everyoneSeesAllAlive(controlSockets: readonly string[], expected: readonly string[]): Promise<boolean> {
  const views = await Promise.all(controlSockets.map((socket) => listNodes(socket).catch(() => [])));
  const want = [...expected].sort().join(",");
  return views.every((nodes) => nodes.length === expected.length && nodes.filter((n) => n.status === "alive").map((n) => n.name).sort().join(",") === want);
}

/**
 * Waits until the agent behind each socket has listed all `expected` nodes
 * alive, asking only the agents not yet there: polling thirty agents over and
 * over would load the very machine whose convergence is measured.
 * Returns the milliseconds waited; rejects after timeoutMs.
 */
export async function waitUntilAllSeeAll(
  controlSockets: readonly string[],
  expected: readonly string[],
  { timeoutMs, pollMs = 200 }: { timeoutMs: number; pollMs?: number },
): Promise<number> {
  const started = Date.now();
  let pending = [...controlSockets];
  while (pending.length > 0) {
    const done = await Promise.all(pending.map((socket) => everyoneSeesAllAlive([socket], expected)));
    pending = pending.filter((_, index) => !done[index]);
    if (pending.length === 0) break;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${pending.length} of ${controlSockets.length} agents did not see all ${expected.length} nodes alive within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return Date.now() - started;
}
