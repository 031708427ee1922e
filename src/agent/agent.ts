import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { LocalApiServer } from "../api/local/server.js";
import { CliService } from "../cli/cli-service.js";
import { agentPrograms } from "../cli/programs/index.js";
import { ClusterCommands } from "../cluster/cluster-commands.js";
import { ClusterIpHolder, fileHeldMarker, HELD_MARKER_FILE } from "../cluster/cluster-ip-holder.js";
import { ClusterService } from "../cluster/cluster-service.js";
import type { FormationGoal, FormationPeer } from "../cluster/formation.js";
import { CertificateKeeper } from "../cluster/certificate-keeper.js";
import { JobQueue } from "../cluster/jobs/job-queue.js";
import { opSummary } from "../cluster/jobs/summary.js";
import { JobRunner } from "../cluster/jobs/job-runner.js";
import { LocalClusterControl } from "../cluster/local-control.js";
import type { OpcodeServices } from "../cluster/opcodes/definition.js";
import { opcodeTable } from "../cluster/opcodes/table.js";
import { FileRaftStorage } from "../cluster/raft-storage.js";
import { clusterRpcHandlers } from "../cluster/rpc-handlers.js";
import { clusterRpcMethods } from "../cluster/rpc-methods.js";
import type { SiteConfig } from "../cluster/site-config.js";
import { rolesOf } from "../cluster/state/roles.js";
import { localDurableFiles } from "../host/durable-file.js";
import type { ClusterAddressPort } from "../host/net/cluster-address.js";
import { encodePayload } from "../transport/codec.js";
import { Discovery } from "../discovery/discovery.js";
import { MembershipTable } from "../discovery/membership.js";
import type { Clock } from "../host/clock.js";
import type { ProfileFiles } from "../host/hw/profile.js";
import type { SystemInfoSource } from "../host/hw/systeminformation-source.js";
import type { NodeStatsSource } from "../host/node-stats.js";
import type { Random } from "../host/random.js";
import type { TlsPair } from "../host/tls/self-signed.js";
import type { Liveness } from "../model/node.js";
import { fileWatchdogDevice, readBootId, type WatchdogDevice } from "../host/watchdog/device.js";
import { HardwareReader } from "../node/hardware-reader.js";
import { nodeRpcMethods } from "../node/rpc-methods.js";
import { instanceRpcMethods } from "../node/instance-rpc-methods.js";
import { consoleSocketPath, InstanceHost, type InstanceHostOptions } from "../node/instance-host.js";
import { ClusterInstanceDirectory } from "../cluster/instances/cluster-instance-directory.js";
import { AlkorError } from "../model/errors.js";
import { StatsSampler } from "../node/stats-sampler.js";
import { WatchdogFeeder } from "../node/watchdog-feeder.js";
import { EmbeddedBroker } from "../transport/broker.js";
import { DropLog } from "../transport/drop-log.js";
import { brokerEndpoint } from "../transport/endpoint.js";
import { Mesh } from "../transport/mesh.js";
import { TopicRouter, viaLocalBroker } from "../transport/router.js";
import { RpcEndpoint } from "../transport/rpc.js";
import { everyNodeTopic, nodeTopic, type AnnouncePayload } from "../transport/topics.js";
import type { AgentConfig } from "./config.js";
import { loadOrCreateIdentity } from "./identity.js";
import { ServiceGroup, type Service } from "./lifecycle.js";
import { MembershipDirectory } from "./node-directory.js";
import { RapiListeners } from "./rapi-listeners.js";

/** Everything the agent takes from the world, injected so tests and the simulator can replace it. */
export interface AgentWorld {
  clock: Clock;
  random: Random;
  log: Logger;
  hostName: string;
  version: string;
  /** $TZ ("" or absent when unset): the agent runs a thin client's command only when the client's is the same. */
  timeZone?: string;
  /** Each call reads the hardware anew. */
  readSystemInfo: () => SystemInfoSource;
  profileFiles: ProfileFiles;
  profilesDir: string;
  stats: NodeStatsSource;
  /** Told when the agent is ready and when it stops (systemd notify); last to start. */
  readiness?: Service;
  /** Zero-touch formation, as the image or the kernel command line says; null without. */
  site: SiteConfig | null;
  /** Adds and removes the cluster IP on this host. */
  clusterAddress: ClusterAddressPort;
  /** The network device holding an address of this host. */
  deviceOf(address: string): Promise<string | null>;
  /** Raft state could not be written: the agent must stop at once. */
  fatal(error: unknown): void;
  /** Makes the cluster's certificate (openssl on a real node). */
  makeCertificate(commonName: string): Promise<TlsPair>;
  /** The watchdog device and boot id, when config `watchdog` is set; the real device file and /proc when not given. */
  watchdog?: { device(path: string): WatchdogDevice; bootId(): Promise<string> };
  /** The hypervisor, disk stores and OS definitions of this node; without them it runs no instances. */
  instances?: Omit<InstanceHostOptions, "clock" | "log" | "consoleDir" | "makeDirectory">;
}

const statsIntervalMs = 5000;
const instanceRpcTimeoutMs = 60_000;

const agentRpcMethods = { ...nodeRpcMethods, ...clusterRpcMethods, ...instanceRpcMethods };
type AgentRpcMethods = typeof agentRpcMethods;

/** The nodes the membership table knows, as cluster formation sees them. */
function peersOf(table: MembershipTable): FormationPeer[] {
  return table.members().map((member) => ({
    uuid: member.announce.uuid,
    name: member.announce.name,
    address: member.announce.address,
    brokerPort: member.announce.brokerPort,
    alive: table.liveness(member) === "alive",
    cluster: member.announce.cluster,
    formation: member.announce.formation,
  }));
}

function livenessOf(table: MembershipTable, uuid: string): Liveness | undefined {
  const member = table.members().find((candidate) => candidate.announce.uuid === uuid);
  return member ? table.liveness(member) : undefined;
}

/**
 * alkord: reads who and what this node is, brings up its broker, then the
 * services that stand on it, in order; stops them in reverse.
 */
export class Agent implements Service {
  readonly name = "agent";
  private readonly broker: EmbeddedBroker;
  private group: ServiceGroup | undefined;

  constructor(
    private readonly config: AgentConfig,
    private readonly world: AgentWorld,
  ) {
    this.broker = new EmbeddedBroker({
      address: config.management.address,
      port: config.management.brokerPort,
      clusterId: config.clusterId,
      limits: config.transport,
      log: world.log.child({ component: "broker" }),
      clock: world.clock,
    });
  }

  get brokerPort(): number {
    return this.broker.port;
  }

  async start(): Promise<void> {
    const { config, world } = this;
    const { identity, created } = await loadOrCreateIdentity({
      stateDir: config.stateDir,
      configuredName: config.nodeName,
      hostName: world.hostName,
      clock: world.clock,
      random: world.random,
    });
    const log = world.log.child({ node: identity.name });
    log.info({ uuid: identity.uuid, created }, created ? `This node is new: it is now ${identity.name} (${identity.uuid}).` : `This node is ${identity.name} (${identity.uuid}).`);

    await this.broker.start();
    const self: AnnouncePayload = {
      clusterId: config.clusterId,
      uuid: identity.uuid,
      name: identity.name,
      version: world.version,
      address: config.management.address,
      brokerPort: this.broker.port,
      hardware: null,
      cluster: null,
      formation: null,
    };
    this.group = new ServiceGroup(await this.services(self, log), log);
    try {
      await this.group.start();
    } catch (error) {
      await this.broker.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.group?.stop();
    this.group = undefined;
    await this.broker.stop();
  }

  private async services(initialSelf: AnnouncePayload, log: Logger): Promise<Service[]> {
    const { config, world } = this;
    const { clock, random } = world;
    let self = initialSelf;
    const router = new TopicRouter(config.clusterId, config.transport, new DropLog(log, clock), log);
    const table = new MembershipTable(self.uuid, config.membership, clock);
    const stats = new StatsSampler(world.stats, statsIntervalMs, clock, log);
    let discovery: Discovery | undefined;
    const mesh = new Mesh({
      selfName: self.name,
      selfEndpoint: brokerEndpoint(self.address, self.brokerPort),
      will: { topic: nodeTopic(config.clusterId, self.name, "status"), payload: Buffer.from(JSON.stringify({ uuid: self.uuid, state: "offline" })) },
      // This node's RPC answers everywhere; every node's announcement (retained) from the
      // bootstrap peers. Status and heartbeats count only on this node's own broker.
      subscriptions: [nodeTopic(config.clusterId, self.name, "reply")],
      bootstrapSubscriptions: [everyNodeTopic(config.clusterId, "announce")],
      reconnectMinMs: config.transport.reconnectMinMs,
      reconnectMaxMs: config.transport.reconnectMaxMs,
      clock,
      random,
      log,
      onMessage: (topic, payload, endpoint) => router.dispatch(topic, payload, endpoint),
      onLinkUp: (endpoint) => discovery?.onLinkUp(endpoint),
    });
    const rpc = new RpcEndpoint<AgentRpcMethods>({
      selfName: self.name,
      clusterId: config.clusterId,
      methods: agentRpcMethods,
      broker: this.broker,
      mesh,
      clock,
      random,
      log,
      defaultTimeoutMs: config.transport.rpcTimeoutMs,
    });
    const hardware = new HardwareReader({
      readSystemInfo: world.readSystemInfo,
      profileFiles: world.profileFiles,
      profilesDir: world.profilesDir,
      clock,
      log,
      onReport: (report) => {
        self = { ...self, hardware: report.summary };
        void discovery?.updateSelf(self);
      },
    });
    let runner: JobRunner | undefined;
    let certificates: CertificateKeeper | undefined;
    let rapi: RapiListeners | undefined;
    const ip = new ClusterIpHolder(world.clusterAddress, fileHeldMarker(localDurableFiles, join(config.stateDir, HELD_MARKER_FILE)), log.child({ component: "cluster" }));
    const cluster = this.clusterService(self, table, mesh, rpc, ip, (clusterTag, formation) => {
      self = { ...self, cluster: clusterTag, formation };
      void discovery?.updateSelf(self);
    }, () => {
      runner?.onProgress();
      certificates?.onProgress();
      rapi?.onProgress();
    }, log);
    certificates = new CertificateKeeper(cluster, (name) => world.makeCertificate(name), clock, log.child({ component: "cluster" }));
    const clusterIdentity = () => {
      const identity = cluster.state.cluster;
      if (identity === null) throw new Error("the cluster is not initialised");
      return identity;
    };
    const opcodeServices: OpcodeServices = {
      adopt: async (node) => void (await rpc.call(node, "cluster.adopt", { clusterUuid: clusterIdentity().uuid, clusterName: clusterIdentity().name })),
      evict: async (node) => void (await rpc.call(node, "cluster.evict", { clusterUuid: clusterIdentity().uuid })),
      discovered: () => peersOf(table),
      liveness: (uuid) => livenessOf(table, uuid),
      recordTestExecution: (line) => localDurableFiles.appendDurably(join(config.stateDir, "test-opcode-executions.log"), `${line}\n`),
      // A node's hypervisor may take seconds (libvirt's own calls time out after 30 s): more than the RPC default.
      nodeRpc: (node, method, params, timeoutMs = instanceRpcTimeoutMs) => rpc.call(node, method, params as never, timeoutMs) as never,
      random,
    };
    runner = new JobRunner({
      cluster,
      opcodes: opcodeTable,
      services: opcodeServices,
      selfName: self.name,
      maxRunningJobs: config.jobs.maxRunningJobs,
      archiveCheckMs: config.jobs.archiveCheckMs,
      clock,
      log: log.child({ component: "jobs" }),
    });
    const jobs = new JobQueue(cluster, opcodeTable, clock);
    rpc.serve({
      "node.inventory": async () => {
        const { inventory, profile, profileReason } = hardware.report();
        return { inventory, profile, profileReason };
      },
      ...clusterRpcHandlers(cluster),
      ...this.instanceHandlers(log),
    });
    router.on("raft", (message, topic) => {
      if (topic.nodeName === self.name) cluster.receiveRaft(message);
    });
    router.on("rpc", (request, topic) => {
      if (topic.nodeName === self.name) rpc.handleRequest(request);
    });
    router.on("reply", (reply, topic) => {
      if (topic.nodeName === self.name) rpc.handleReply(reply);
    });
    discovery = new Discovery({
      clusterId: config.clusterId,
      self,
      incarnation: random.uuid(),
      seeds: config.discovery.seeds,
      heartbeatIntervalMs: config.membership.heartbeatIntervalMs,
      stats: () => stats.current(),
      table,
      mesh,
      broker: this.broker,
      router,
      clock,
      log,
    });
    const inbox = this.inbox(router);
    const services: Service[] = [stats, inbox, mesh, discovery, hardware];
    if (config.watchdog) {
      // First to start, last to stop: the watchdog covers the agent's whole life.
      const watchdog = world.watchdog ?? { device: fileWatchdogDevice, bootId: readBootId };
      services.unshift(
        new WatchdogFeeder({
          device: watchdog.device(config.watchdog.device),
          feedIntervalMs: config.watchdog.feedIntervalMs,
          armedNotePath: join(config.stateDir, "watchdog-armed"),
          files: localDurableFiles,
          bootId: () => watchdog.bootId(),
          pid: process.pid,
          clock,
          log: log.child({ component: "watchdog" }),
        }),
      );
    }
    if (config.discovery.mdns) {
      // Loaded only when enabled: most sites list seeds, and startup time counts.
      const { MdnsDiscovery } = await import("../discovery/mdns.js");
      const found = discovery;
      services.push(
        new MdnsDiscovery({
          advertisement: { nodeName: self.name, nodeUuid: self.uuid, clusterId: config.clusterId, address: self.address, port: self.brokerPort },
          clock,
          log,
          onPeer: (peer) => found.addPeer(brokerEndpoint(peer.address, peer.port)),
          ...(config.discovery.mdnsInterface ? { interface: config.discovery.mdnsInterface } : {}),
        }),
      );
    }
    const directory = new MembershipDirectory({
      self: () => self,
      stats: () => stats.current(),
      table,
      rpc,
      clock,
      infoTimeoutMs: config.transport.rpcTimeoutMs,
      roles: async () => {
        if (!cluster.isMember) return null;
        const master = await cluster.readBarrier();
        return rolesOf(cluster.state, master);
      },
    });
    const commands = new ClusterCommands(cluster, self.uuid);
    const control = new LocalClusterControl(cluster, commands, { name: self.name, version: world.version });
    const instances = new ClusterInstanceDirectory({
      read: async () => (await commands.read()).state,
      nodeRpc: opcodeServices.nodeRpc,
      selfName: self.name,
      consoleSocketPath: (uuid) => consoleSocketPath(config.instances.consoleDir, uuid),
    });
    rapi = new RapiListeners({
      address: config.rapi.address,
      port: config.rapi.port,
      usersFile: config.rapi.usersFile,
      backend: {
        jobs,
        read: async () => {
          const { state, master } = await commands.read();
          return { state, masterName: cluster.nodeName(master) ?? master };
        },
        nodes: () => directory.list(),
        instances,
        summarize: opSummary,
        softwareVersion: world.version,
      },
      certificate: () => cluster.state.cluster?.tls ?? null,
      clusterIp: () => ip.current?.ip ?? null,
      clock,
      log: log.child({ component: "rapi" }),
    });
    services.push(cluster, runner);
    const cli = new CliService({ programs: agentPrograms, endpoint: `unix:${config.controlSocket}`, timeZone: world.timeZone ?? "", log: log.child({ component: "cli" }) });
    services.push(new LocalApiServer({ listen: { socketPath: config.controlSocket }, directory, cluster: control, jobs, instances, cli, log }));
    services.push(rapi);
    services.push({ name: "rpc", start: async () => {}, stop: async () => rpc.close() });
    const hypervisor = world.instances?.hypervisor;
    // Stopped after the RPC, so no call of the master's is still on the connection.
    if (hypervisor) {
      // The connection opens on first use: a socket-activated libvirtd then starts and probes qemu (10 s and more under TCG), which the instance RPCs' deadlines allow for.
      services.splice(services.length - 1, 0, { name: "hypervisor", start: async () => {}, stop: () => hypervisor.close() });
    }
    if (world.readiness) services.push(world.readiness);
    return services;
  }

  /** This node's side of instances; a node without a hypervisor answers that it has none. */
  private instanceHandlers(log: Logger) {
    const { world, config } = this;
    if (world.instances) {
      return new InstanceHost({
        ...world.instances,
        consoleDir: config.instances.consoleDir,
        makeDirectory: async (path) => void (await mkdir(path, { recursive: true, mode: 0o750 })),
        clock: world.clock,
        log: log.child({ component: "instances" }),
      }).rpcHandlers();
    }
    const none = async (): Promise<never> => {
      throw new AlkorError("environment_error", "This node runs no hypervisor; it cannot hold instances.");
    };
    return Object.fromEntries(Object.keys(instanceRpcMethods).map((method) => [method, none])) as unknown as ReturnType<InstanceHost["rpcHandlers"]>;
  }

  private clusterService(
    self: AnnouncePayload,
    table: MembershipTable,
    mesh: Mesh,
    rpc: RpcEndpoint<AgentRpcMethods>,
    ip: ClusterIpHolder,
    announce: ConstructorParameters<typeof ClusterService>[0]["announce"],
    onProgress: () => void,
    log: Logger,
  ): ClusterService {
    const { config, world } = this;
    const settings = config.cluster;
    const site = world.site;
    const goal: FormationGoal | null = site
      ? { clusterName: site.clusterName, joinToken: site.joinToken, expectedNodes: site.expectedNodes }
      : settings.joinToken
        ? { clusterName: null, joinToken: settings.joinToken, expectedNodes: null }
        : null;
    const clusterLog = log.child({ component: "cluster" });
    return new ClusterService({
      self: { uuid: self.uuid, name: self.name, address: self.address, brokerPort: self.brokerPort },
      storage: new FileRaftStorage(join(config.stateDir, "raft"), localDurableFiles),
      timing: { tickMs: settings.tickMs, electionTicks: settings.electionTicks, heartbeatTicks: settings.heartbeatTicks },
      compactEvery: settings.compactEvery,
      selfFenceTimeoutMs: settings.selfFenceTimeoutMs,
      proposalTimeoutMs: settings.proposalTimeoutMs,
      goal,
      site,
      defaultCandidatePoolSize: settings.candidatePoolSize,
      peers: () => peersOf(table),
      liveness: (uuid) => livenessOf(table, uuid),
      nameOf: (uuid) => table.members().find((candidate) => candidate.announce.uuid === uuid)?.announce.name,
      sendRaft: (node, message) => void mesh.publishTo(node, nodeTopic(config.clusterId, node, "raft"), encodePayload("raft", message), false),
      call: (node, method, params, timeoutMs) => rpc.call(node, method, params, timeoutMs),
      announce,
      ip,
      managementDevice: async () => {
        const device = await world.deviceOf(config.management.address);
        if (device === null) throw new Error(`no network device holds the management address ${config.management.address}`);
        return device;
      },
      clock: world.clock,
      random: world.random,
      log: clusterLog,
      onFatal: (error) => world.fatal(error),
      onProgress,
    });
  }

  /** What peers publish to this node's own broker, routed by the topic map. */
  private inbox(router: TopicRouter): Service {
    const { clusterId } = this.config;
    const unsubscribes: Array<() => Promise<void>> = [];
    return {
      name: "inbox",
      start: async () => {
        for (const kind of ["announce", "heartbeat", "status", "rpc", "raft"] as const) {
          unsubscribes.push(await this.broker.subscribe(everyNodeTopic(clusterId, kind), (topic, payload) => router.dispatch(topic, payload, viaLocalBroker)));
        }
      },
      stop: async () => {
        await Promise.all(unsubscribes.splice(0).map((unsubscribe) => unsubscribe()));
      },
    };
  }
}
