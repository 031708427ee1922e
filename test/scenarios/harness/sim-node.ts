import type { Logger } from "pino";
import { ClusterIpHolder, type HeldMarker } from "../../../src/cluster/cluster-ip-holder.js";
import { JobQueue } from "../../../src/cluster/jobs/job-queue.js";
import { JobRunner } from "../../../src/cluster/jobs/job-runner.js";
import type { OpcodeServices } from "../../../src/cluster/opcodes/definition.js";
import { opcodeTable } from "../../../src/cluster/opcodes/table.js";
import { ClusterService, type ClusterRpcCall } from "../../../src/cluster/cluster-service.js";
import type { FormationGoal, FormationPeer } from "../../../src/cluster/formation.js";
import { FileRaftStorage } from "../../../src/cluster/raft-storage.js";
import type { ClusterRpcMethods } from "../../../src/cluster/rpc-methods.js";
import type { SiteConfig } from "../../../src/cluster/site-config.js";
import type { RaftTiming } from "../../../src/cluster/raft-driver.js";
import type { Message } from "../../../src/consensus/types.js";
import type { ClusterAddressSpec } from "../../../src/host/net/cluster-address.js";
import type { Random } from "../../../src/host/random.js";
import { AlkorError } from "../../../src/model/errors.js";
import type { Liveness } from "../../../src/model/node.js";
import { FakeClusterAddress } from "./fake-address.js";
import { MemoryFiles } from "./memory-files.js";
import { wire, type Network } from "./network.js";
import { callOverNetwork } from "./sim-rpc.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface NodeSettings {
  timing: RaftTiming;
  selfFenceTimeoutMs: number;
  proposalTimeoutMs: number;
  compactEvery: number;
  defaultCandidatePoolSize: number;
  site: SiteConfig;
}

/** What a node sees of the rest of the simulated world. */
export interface NodeWorld {
  clock: VirtualClock;
  network: Network;
  settings: NodeSettings;
  log: Logger;
  others(self: SimNode): SimNode[];
  find(name: string): SimNode | undefined;
  liveness(observer: string, subject: string): Liveness;
  fail(error: unknown): void;
}

type Announcement = Pick<FormationPeer, "cluster" | "formation">;

/** One life of a node, from power-on to crash; whatever it left running stops with it. */
export interface Life {
  alive: boolean;
  service: ClusterService;
  /** The job queue on this node and, while it is master, the runner of its jobs. */
  jobs: JobQueue;
  runner: JobRunner;
  /** Progress rounds at the virtual instant roundsAt. */
  rounds: number;
  roundsAt: number;
}

const maxRoundsPerInstant = 10_000;

/** The scenarios run the cluster's own opcodes; adding and removing nodes and instances are not among them. */
const unsimulated = (): never => {
  throw new AlkorError("internal_error", "Adding and removing nodes, and instances, are not simulated.");
};
const unsimulatedServices: OpcodeServices = {
  adopt: unsimulated,
  evict: unsimulated,
  discovered: () => [],
  liveness: unsimulated,
  recordTestExecution: unsimulated,
  nodeRpc: unsimulated,
  random: { uuid: unsimulated, int: unsimulated },
};

/** The service tells its IP holder what it wants after every round of Raft progress: a count of those rounds. */
class WatchedIpHolder extends ClusterIpHolder {
  constructor(
    address: FakeClusterAddress,
    marker: HeldMarker,
    log: Logger,
    private readonly onRound: () => void,
  ) {
    super(address, marker, log);
  }

  override want(spec: ClusterAddressSpec | null): void {
    this.onRound();
    super.want(spec);
  }
}

/**
 * A machine of the scenario: its disk and network interface outlive crashes;
 * each start runs a fresh ClusterService on them, as a reboot would.
 */
export class SimNode {
  readonly files = new MemoryFiles();
  readonly address = new FakeClusterAddress();
  /** On the node's disk, so it outlives a crash as the agent's marker file does. */
  private markedHeld = false;
  readonly heldMarker: HeldMarker = {
    read: async () => this.markedHeld,
    write: async (held) => void (this.markedHeld = held),
  };
  /** The node's last announcement: retained, so peers still see it while the node is down. */
  announcement: Announcement = { cluster: null, formation: null };
  private life: Life | undefined;

  constructor(
    readonly name: string,
    readonly uuid: string,
    readonly managementAddress: string,
    /** The node's own stream, so one node's draws do not shift another's election timeouts. */
    private readonly random: Random,
    private readonly world: NodeWorld,
  ) {}

  get service(): ClusterService | undefined {
    return this.life?.service;
  }

  get currentLife(): Life | undefined {
    return this.life;
  }

  async start(): Promise<void> {
    if (this.life) throw new AlkorError("wrong_state", `Node ${this.name} is already running.`);
    const life = { alive: true, rounds: 0, roundsAt: -1 } as Life;
    life.service = new ClusterService(this.options(life));
    const clock = this.world.clock.view(life);
    life.jobs = new JobQueue(life.service, opcodeTable, clock);
    life.runner = new JobRunner({
      cluster: life.service,
      opcodes: opcodeTable,
      services: unsimulatedServices,
      selfName: this.name,
      maxRunningJobs: 8,
      archiveCheckMs: 60_000,
      clock,
      log: this.world.log,
    });
    this.life = life;
    await life.service.start();
    await life.runner.start();
  }

  /** Power loss: the service and all it did not persist are gone, and so is the cluster IP. */
  crash(): void {
    if (!this.life) throw new AlkorError("wrong_state", `Node ${this.name} is already down.`);
    this.life.alive = false;
    this.life = undefined;
    this.address.current = null;
  }

  private options(life: Life): ConstructorParameters<typeof ClusterService>[0] {
    const { world } = this;
    const { settings } = world;
    const goal: FormationGoal = { clusterName: settings.site.clusterName, joinToken: settings.site.joinToken, expectedNodes: settings.site.expectedNodes };
    return {
      self: { uuid: this.uuid, name: this.name, address: this.managementAddress, brokerPort: 1883 },
      storage: new FileRaftStorage("/var/lib/alkor/raft", this.files.view(life)),
      timing: settings.timing,
      compactEvery: settings.compactEvery,
      selfFenceTimeoutMs: settings.selfFenceTimeoutMs,
      proposalTimeoutMs: settings.proposalTimeoutMs,
      goal,
      site: settings.site,
      defaultCandidatePoolSize: settings.defaultCandidatePoolSize,
      peers: () => world.others(this).map((peer) => ({
        uuid: peer.uuid,
        name: peer.name,
        address: peer.managementAddress,
        brokerPort: 1883,
        alive: world.liveness(this.name, peer.name) === "alive",
        ...peer.announcement,
      })),
      liveness: (uuid) => {
        const peer = world.others(this).find((other) => other.uuid === uuid);
        return peer && world.liveness(this.name, peer.name);
      },
      nameOf: (uuid) => world.others(this).find((other) => other.uuid === uuid)?.name,
      sendRaft: (to, message) => {
        if (!life.alive) return;
        const copy = wire(message) as Message;
        world.network.send(this.name, to, () => world.find(to)?.service?.receiveRaft(copy));
      },
      // The method's own types are checked where the service calls it; here it is the wire.
      call: ((node: string, method: keyof ClusterRpcMethods, params: unknown, timeoutMs?: number) =>
        callOverNetwork(world, { name: this.name, life }, node, method, params, timeoutMs)) as ClusterRpcCall,
      announce: (cluster, formation) => {
        if (life.alive) this.announcement = { cluster, formation };
      },
      ip: new WatchedIpHolder(this.address, this.heldMarker, world.log, () => this.noteProgressRound(life)),
      managementDevice: async () => "eth0",
      clock: world.clock.view(life),
      random: this.random,
      log: world.log,
      onFatal: (error) => world.fail(error),
      onProgress: () => life.runner?.onProgress(),
    };
  }

  /**
   * A real agent's event loop would be stuck for good if a node's progress
   * rounds never ended without time passing (a loop of promise callbacks):
   * such a node is stopped, and the run fails saying so.
   */
  private noteProgressRound(life: Life): void {
    const now = this.world.clock.elapsed;
    if (life.roundsAt !== now) {
      life.roundsAt = now;
      life.rounds = 0;
    }
    if (++life.rounds < maxRoundsPerInstant) return;
    this.world.fail(new Error(`${this.name} ran ${maxRoundsPerInstant} rounds of Raft progress at ${now / 1000} s without time passing: its event loop would never get to timers or I/O again`));
    void life.service.stop();
  }
}
