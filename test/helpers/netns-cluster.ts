import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentConfig, AgentConfigInput } from "../../src/agent/config.js";
import { LocalCluster } from "../../src/demo/local-cluster.js";
import { processExec, type ExecOptions, type ExecResult } from "../../src/host/exec.js";
import type { NodeView } from "../../src/model/node.js";
import { reachableAddresses } from "./netns/addresses.js";
import { removeLeftoverNamespaces } from "./netns/leftovers.js";
import { newRunNames, type RunNames } from "./netns/names.js";
import { addNamespace, deleteNamespace, ip } from "./netns/namespaces.js";
import { confine, release } from "./netns/partition.js";
import { addBridge, plugNode } from "./netns/segment.js";

export { removeLeftoverNamespaces } from "./netns/leftovers.js";
export { AddressMonitor } from "./netns/address-monitor.js";
export { sampleEvery, type Sample, type Sampler } from "./netns/sampler.js";

const binDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin");

export interface NetnsClusterOptions {
  /** Nodes node1..nodeN, at most 254 (one /24). */
  count: number;
  clusterId?: string;
  /** Short by default (heartbeat 250 ms, suspect 1 s, dead 2.5 s) so partitions show quickly. */
  membership?: Partial<AgentConfig["membership"]>;
  logLevel?: AgentConfig["log"]["level"];
  /** Settings for every node; a function gets the run's segment prefix ("10.251.S"), e.g. to place a cluster IP on it. */
  configOverrides?: Partial<AgentConfigInput> | ((segmentPrefix: string) => Partial<AgentConfigInput>);
}

export interface NetnsNode {
  name: string;
  namespace: string;
  /** Its address on the run's segment, 10.251.S.i. */
  address: string;
  controlSocket: string;
  configPath: string;
}

/**
 * Real alkord agents, each in its own network namespace, plugged by a veth
 * pair into one bridge in a hub namespace: real addresses on one L2 segment
 * that can be partitioned with nftables. Everything is created inside
 * namespaces named after the run, never in the host's own network, so
 * destroy() (or removeLeftoverNamespaces() after a crash) removes all of it.
 * After a failed start(), call destroy() all the same.
 */
export class NetnsCluster {
  readonly runId: string;
  readonly hubNamespace: string;
  readonly nodes: readonly NetnsNode[];
  /** The first three octets of the run's segment: node i is PREFIX.i. */
  readonly segmentPrefix: string;
  private readonly names: RunNames;
  private readonly baseDir: string;
  private readonly local: LocalCluster;
  /** Namespaces this run created and has not deleted yet, hub first. */
  private readonly namespaces: string[] = [];
  private readonly confined = new Set<string>();

  constructor(options: NetnsClusterOptions) {
    if (!Number.isInteger(options.count) || options.count < 1 || options.count > 254) {
      throw new Error(`A netns cluster has 1 to 254 nodes, not ${options.count}.`);
    }
    this.names = newRunNames();
    this.runId = this.names.runId;
    this.hubNamespace = this.names.hubNamespace;
    this.baseDir = join(tmpdir(), `alkor-nc-${this.runId}`);
    this.segmentPrefix = `10.251.${this.names.subnet}`;
    const overrides = typeof options.configOverrides === "function" ? options.configOverrides(this.segmentPrefix) : options.configOverrides;
    this.local = new LocalCluster({
      baseDir: this.baseDir,
      clusterId: options.clusterId ?? "netns",
      count: options.count,
      addressPrefix: this.segmentPrefix,
      membership: { heartbeatIntervalMs: 250, suspectAfterMs: 1000, deadAfterMs: 2500, ...options.membership },
      logLevel: options.logLevel ?? "info",
      ...(overrides ? { configOverrides: overrides } : {}),
      launcher: (node) => ["ip", "netns", "exec", this.node(node.name).namespace],
    });
    this.nodes = this.local.nodes.map((node, index) => ({
      name: node.name,
      namespace: this.names.nodeNamespace(index + 1),
      address: node.address,
      controlSocket: node.controlSocket,
      configPath: node.configPath,
    }));
  }

  /** Builds the segment and starts every agent (all seeded with node1). */
  async start(): Promise<void> {
    await removeLeftoverNamespaces();
    await mkdir(this.baseDir, { mode: 0o700 });
    await this.addNamespace(this.hubNamespace);
    await addBridge(this.hubNamespace, this.names.bridge);
    for (const [index, node] of this.nodes.entries()) {
      await this.addNamespace(node.namespace);
      await plugNode({
        hubNamespace: this.hubNamespace,
        bridge: this.names.bridge,
        hubVeth: this.names.hubVeth(index + 1),
        nodeNamespace: node.namespace,
        address: node.address,
      });
    }
    await this.local.start();
  }

  node(name: string): NetnsNode {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`No node ${name} in this netns cluster.`);
    return node;
  }

  /** The agent's pid while it runs. */
  pidOf(name: string): number | undefined {
    const child = this.local.node(name).process;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Sends the signal (SIGKILL for a crash) and waits for the agent to end. */
  stopNode(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    return this.local.stopNode(name, signal);
  }

  /** Starts the node's agent again, with its state directory as it was left. */
  startNode(name: string): Promise<void> {
    return this.local.startNode(name);
  }

  /** The node list as the named node's agent reports it. */
  list(name: string): Promise<NodeView[]> {
    return this.local.list(name);
  }

  /**
   * Cuts the given nodes off from all others; among themselves they still
   * talk (a minority side). Each of them gets an nftables table that drops
   * everything on eth0, in and out, except to and from the other members.
   * Another call makes another island; a node named again moves to the new one.
   */
  async partition(names: readonly string[]): Promise<void> {
    const island = names.map((name) => this.node(name));
    for (const node of island) {
      await confine(node.namespace, island.filter((other) => other !== node).map((other) => other.address));
      this.confined.add(node.namespace);
    }
  }

  /** Removes every partition. */
  async heal(): Promise<void> {
    for (const namespace of [...this.confined]) {
      await release(namespace);
      this.confined.delete(namespace);
    }
  }

  /**
   * Runs a command inside the node's namespace. ALKOR_ENDPOINT points at the
   * node's own agent, so the CLI there talks to it as on a real machine.
   */
  exec(name: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const node = this.node(name);
    return processExec.run(["ip", "netns", "exec", node.namespace, ...argv], {
      ...options,
      env: { ALKOR_ENDPOINT: `unix:${node.controlSocket}`, ...options.env },
    });
  }

  /** Runs an alkor-* command (default alkor-node) on the node, against its own agent. */
  cli(name: string, args: readonly string[], command = "alkor-node"): Promise<ExecResult> {
    return this.exec(name, [join(binDir, command), ...args]);
  }

  /** The node's addresses others can reach it at (its segment address, and any cluster IP it holds). */
  async addressesOf(name: string): Promise<string[]> {
    return reachableAddresses(await ip("-n", this.node(name).namespace, "-j", "addr"));
  }

  /**
   * Kills every agent, then deletes every namespace of the run (their veths,
   * the bridge and the nft tables go with them) and the node directories.
   * Tries everything even when a step fails; safe to call again, and after a
   * start() that failed half way.
   */
  async destroy(): Promise<void> {
    const failures: unknown[] = [];
    const attempt = (step: Promise<unknown>) => step.catch((error: unknown) => void failures.push(error));
    await Promise.all(this.nodes.map((node) => attempt(this.local.stopNode(node.name, "SIGKILL"))));
    for (const namespace of [...this.namespaces].reverse()) {
      await attempt(deleteNamespace(namespace).then(() => this.namespaces.splice(this.namespaces.indexOf(namespace), 1)));
    }
    this.confined.clear();
    await attempt(rm(this.baseDir, { recursive: true, force: true }));
    if (failures.length > 0) throw new AggregateError(failures, `Destroying netns cluster ${this.runId} left something behind.`);
  }

  private async addNamespace(namespace: string): Promise<void> {
    // Tracked first: if it was made but a later step of making it failed, destroy() still deletes it.
    this.namespaces.push(namespace);
    await addNamespace(namespace);
  }
}
