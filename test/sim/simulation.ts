import type { ConfChange, Message, RaftStatus } from "../../src/consensus/index.js";
import type { DriverBugs } from "./bugs.js";
import { EventQueue } from "./events.js";
import { InvariantViolation } from "./invariant.js";
import { livenessProblem } from "./liveness.js";
import { Network, reliable, type NetworkFaults } from "./network.js";
import { SeededRandom } from "./random.js";
import { SafetyChecker } from "./safety.js";
import { Server } from "./server.js";
import { Trace } from "./trace.js";
import { Workload } from "./workload.js";

export interface SimulationOptions {
  readonly seed: number;
  readonly nodes?: number;
  /** Events to run before healing everything and checking liveness. */
  readonly steps?: number;
  /** Deliberate driver bugs, to show the checker catches them. */
  readonly bugs?: DriverBugs;
}

export interface SimulationResult {
  readonly seed: number;
  readonly nodes: number;
  /** Every event run, the liveness phase included. */
  readonly steps: number;
  readonly ticks: number;
  readonly terms: number;
  readonly proposed: number;
  readonly acked: number;
  readonly reads: number;
  readonly crashes: number;
  readonly partitions: number;
  readonly compactions: number;
  readonly reconfigurations: number;
  readonly hash: string;
}

export class SimulationFailure extends Error {
  constructor(
    readonly seed: number,
    readonly step: number,
    readonly violation: InvariantViolation,
    readonly trace: readonly string[],
  ) {
    super(`FAILED seed=${seed} step=${step}: ${violation.message}`);
  }
}

type Event =
  | { readonly kind: "tick" | "ready"; readonly server: Server; readonly incarnation: number }
  | { readonly kind: "deliver"; readonly message: Message }
  | { readonly kind: "restart"; readonly server: Server }
  | { readonly kind: "fault" | "request" | "reconfigure" };

/** Virtual time units per Raft tick; message delays are finer, so deliveries interleave with ticks. */
const tickInterval = 10;
const electionTicks = 10;
/** After healing, the cluster must have a leader and every acknowledged write on a majority within this many ticks. */
const livenessTicks = 40 * electionTicks;

/**
 * A seeded run of N servers on a faulty network (FoundationDB-style
 * simulation): one random source drives delays, drops, duplicates,
 * partitions, crashes, the workload and, in some runs, log compaction and
 * membership changes, so a seed replays the same trace. Safety is checked
 * after every event; liveness once everything is healed.
 *
 * Every server ticks every tickInterval, each with its own phase (drawn at
 * start and at each restart): the rates are equal, there is no clock drift,
 * which is what the leader lease assumes (RaftConfig.leaseMarginTicks).
 */
export class Simulation {
  readonly seed: number;
  private readonly random: SeededRandom;
  private readonly queue = new EventQueue<Event>();
  private readonly trace = new Trace();
  private readonly checker = new SafetyChecker();
  private readonly workload = new Workload();
  private readonly network: Network;
  private readonly servers: Server[];
  private readonly steps: number;
  private readonly bugs: DriverBugs;
  /** Mean time units between faults, client requests and membership changes (null: none), drawn per run. */
  private readonly faultInterval: number;
  private readonly requestInterval: number;
  private readonly reconfigureInterval: number | null;
  /** The share of client requests that are reads. */
  private readonly readRate: number;
  private readonly tornCrashRate: number;
  /** The initial number of voters, which membership changes keep or exceed by one. */
  private readonly voterCount: number;
  private healed = false;
  private step = 0;
  private crashes = 0;
  private partitions = 0;
  private reconfigurations = 0;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.random = new SeededRandom(options.seed);
    this.steps = options.steps ?? 20_000;
    this.bugs = options.bugs ?? {};
    this.network = new Network(this.random, this.drawNetworkFaults());
    this.faultInterval = this.random.int(5, 60) * tickInterval;
    this.requestInterval = this.random.int(1, 10) * tickInterval;
    this.readRate = this.random.next() * 0.6;
    this.tornCrashRate = this.random.next();
    // Half the runs compact the log, every 5 to 60 applied entries (§7).
    const compactEvery = this.random.chance(0.5) ? this.random.int(5, 60) : null;
    // Half the runs change the membership, with one more server that starts outside the cluster (thesis §4).
    this.reconfigureInterval = this.random.chance(0.5) ? this.random.int(10, 100) * tickInterval : null;
    this.voterCount = options.nodes ?? 3;
    const voters = Array.from({ length: this.voterCount }, (_, i) => `n${i + 1}`);
    const ids = this.reconfigureInterval === null ? voters : [...voters, `n${this.voterCount + 1}`];
    const config = {
      electionTicks,
      heartbeatTicks: 2,
      randomInt: (min: number, max: number) => this.random.int(min, max),
      preVote: this.random.chance(0.75),
      checkQuorum: this.random.chance(0.75),
    };
    this.trace.record(
      `seed ${this.seed} nodes ${ids.length} ${JSON.stringify(this.network.faults)} preVote ${config.preVote} ` +
        `checkQuorum ${config.checkQuorum} compactEvery ${compactEvery} reconfigureInterval ${this.reconfigureInterval}`,
    );
    // A server outside the cluster knows no configuration: it learns it from the leader once added.
    this.servers = ids.map(
      (id) =>
        new Server(id, { ...config, voters: voters.includes(id) ? voters : [] }, compactEvery, this.checker, this.workload, this.bugs),
    );
    for (const server of this.servers) this.scheduleTick(server, this.random.int(1, tickInterval + 1));
    this.queue.schedule(this.faultInterval, { kind: "fault" });
    this.queue.schedule(this.requestInterval, { kind: "request" });
    if (this.reconfigureInterval !== null) this.queue.schedule(this.reconfigureInterval, { kind: "reconfigure" });
  }

  /** Runs the faulty phase, then heals everything and checks liveness; throws a SimulationFailure. */
  run(): SimulationResult {
    try {
      while (this.step < this.steps) this.next();
      this.heal();
      const deadline = this.queue.now + livenessTicks * tickInterval;
      for (;;) {
        const problem = livenessProblem(this.servers, this.workload);
        if (problem === null) break;
        if (this.queue.now > deadline) throw new InvariantViolation("liveness", `${problem} ${livenessTicks} ticks after healing`);
        this.next();
      }
    } catch (error) {
      if (!(error instanceof InvariantViolation)) throw error;
      throw new SimulationFailure(this.seed, this.step, error, this.trace.tail());
    }
    return {
      seed: this.seed,
      nodes: this.voterCount,
      steps: this.step,
      ticks: Math.floor(this.queue.now / tickInterval),
      terms: this.checker.terms,
      proposed: this.workload.proposed,
      acked: this.workload.acked.size,
      reads: this.workload.read,
      crashes: this.crashes,
      partitions: this.partitions,
      compactions: this.servers.reduce((sum, server) => sum + server.compactions, 0),
      reconfigurations: this.reconfigurations,
      hash: this.trace.digest(),
    };
  }

  private next(): void {
    const event = this.queue.pop()!;
    this.step++;
    const touched = this.handle(event);
    if (touched?.up) this.check(touched);
  }

  /**
   * Only the server an event touched can have become leader or gained the
   * lease; when it holds the lease, every other server is asked as well.
   */
  private check(server: Server): void {
    const { role, term } = server.node.status();
    if (role !== "leader") return;
    this.checker.leader(server.id, term);
    if (!server.node.leaseHeld()) return;
    this.checker.leases(this.servers.filter((other) => other.up && other.node.leaseHeld()).map((other) => other.id));
  }

  /** Runs one event; returns the server whose node it changed, if any. */
  private handle(event: Event): Server | undefined {
    const at = this.queue.now;
    switch (event.kind) {
      case "tick": {
        const { server } = event;
        if (server.incarnation !== event.incarnation) return undefined;
        server.node.tick();
        this.trace.record(`${at} tick ${server.id}`);
        this.scheduleReady(server);
        this.scheduleTick(server, tickInterval);
        return server;
      }
      case "ready": {
        const { server } = event;
        if (server.incarnation !== event.incarnation) return undefined;
        server.readyScheduled = false;
        const messages = server.drive();
        this.trace.record(`${at} ready ${server.id} sends ${messages.length}`);
        for (const message of messages) this.send(message);
        return server;
      }
      case "deliver": {
        const { message } = event;
        const server = this.server(message.to);
        if (!server.up || !this.network.connected(message.from, message.to)) return undefined;
        this.trace.record(`${at} deliver ${message.type} ${message.from}>${message.to} t${message.term}`);
        server.node.step(message);
        this.scheduleReady(server);
        return server;
      }
      case "restart": {
        if (event.server.up) return undefined;
        event.server.restart();
        this.trace.record(`${at} restart ${event.server.id}`);
        this.scheduleTick(event.server, this.random.int(1, tickInterval + 1));
        return event.server;
      }
      case "fault":
        if (this.healed) return undefined;
        this.fault();
        this.queue.schedule(this.random.int(1, 2 * this.faultInterval), { kind: "fault" });
        return undefined;
      case "request":
        if (this.healed) return undefined;
        // Neither changes a node's role or lease.
        if (this.random.chance(this.readRate)) this.read();
        else this.propose();
        this.queue.schedule(this.random.int(1, 2 * this.requestInterval), { kind: "request" });
        return undefined;
      case "reconfigure": {
        if (this.healed) return undefined;
        const leader = this.reconfigure();
        this.queue.schedule(this.random.int(1, 2 * this.reconfigureInterval!), { kind: "reconfigure" });
        return leader;
      }
    }
  }

  /** Crashes a server, partitions the network in two, or heals it. */
  private fault(): void {
    const at = this.queue.now;
    const choice = this.random.int(0, 3);
    const up = this.servers.filter((server) => server.up);
    if (choice === 0 && up.length > 0) {
      const server = this.random.pick(up);
      const torn = this.random.chance(this.tornCrashRate);
      server.crash(torn);
      this.crashes++;
      this.trace.record(`${at} crash ${server.id}${torn ? " torn" : ""}`);
      this.queue.schedule(this.random.int(1, 4 * this.faultInterval), { kind: "restart", server });
    } else if (choice === 1) {
      const ids = this.random.shuffle(this.servers.map((server) => server.id));
      const side = ids.splice(0, this.random.int(1, ids.length));
      this.network.heal();
      this.network.partition(side, ids);
      this.partitions++;
      this.trace.record(`${at} partition ${side.join(",")} | ${ids.join(",")}`);
    } else {
      this.network.heal();
      this.trace.record(`${at} heal`);
    }
  }

  /** A client asks a random server, which forwards to the leader it knows, if any. */
  private leaderAsked(): Server | undefined {
    const asked = this.random.pick(this.servers);
    if (!asked.up) return undefined;
    const { role, leaderId } = asked.node.status();
    const leader = role === "leader" ? asked : leaderId === null ? undefined : this.server(leaderId);
    return leader?.up ? leader : undefined;
  }

  private propose(): void {
    const leader = this.leaderAsked();
    if (leader === undefined) return;
    const write = this.workload.nextWrite(this.random);
    const index = leader.propose(write);
    this.trace.record(`${this.queue.now} propose w${write.id} ${write.key}=${write.value} to ${leader.id}: ${index ?? "refused"}`);
    if (index === null) return;
    this.workload.proposed++;
    this.scheduleReady(leader);
  }

  /** Thesis §6.4: the leader takes its read index, and answers once it has applied that far. */
  private read(): void {
    const leader = this.leaderAsked();
    if (leader === undefined) return;
    const read = this.workload.nextRead(this.random);
    const index = this.bugs.readIndex === undefined ? leader.node.readIndex() : this.bugs.readIndex(leader.node);
    this.trace.record(`${this.queue.now} read r${read.id} ${read.key} at ${leader.id}: ${index ?? "refused"}`);
    if (index !== null) leader.read(read, index);
  }

  /**
   * The leader is asked for the next single-server change (thesis §4.1); it
   * refuses while one is pending. Returns the leader asked.
   */
  private reconfigure(): Server | undefined {
    const leader = this.leaderAsked();
    if (leader === undefined) return undefined;
    const change = this.nextChange(leader.node.status());
    if (change === null) return leader;
    const entry = leader.node.proposeConfChange(change);
    this.trace.record(`${this.queue.now} ${change.type} ${change.node} to ${leader.id}: ${entry?.index ?? "refused"}`);
    if (entry === null) return leader;
    this.reconfigurations++;
    this.scheduleReady(leader);
    return leader;
  }

  /**
   * Cycles the membership through add-learner, promote-learner and
   * remove-voter (the leader too, thesis §4.2.2), keeping voterCount or voterCount + 1 voters.
   */
  private nextChange({ voters, learners }: RaftStatus): ConfChange | null {
    if (learners.length > 0) return { type: "promote-learner", node: this.random.pick(learners) };
    if (voters.length > this.voterCount) return { type: "remove-voter", node: this.random.pick(voters) };
    const outside = this.servers.map((server) => server.id).filter((id) => !voters.includes(id));
    return outside.length === 0 ? null : { type: "add-learner", node: this.random.pick(outside) };
  }

  /** Ends the faults: the network becomes reliable and every server is restarted. */
  private heal(): void {
    this.healed = true;
    this.network.heal();
    this.network.faults = reliable;
    this.trace.record(`${this.queue.now} heal all`);
    for (const server of this.servers) if (!server.up) this.queue.schedule(0, { kind: "restart", server });
  }

  private send(message: Message): void {
    for (const delay of this.network.delays(message)) this.queue.schedule(delay, { kind: "deliver", message });
  }

  private scheduleTick(server: Server, delay: number): void {
    this.queue.schedule(delay, { kind: "tick", server, incarnation: server.incarnation });
  }

  /** The driver handles ready() soon, not at once: a crash in between loses what it had not persisted. */
  private scheduleReady(server: Server): void {
    if (server.readyScheduled || !server.node.hasReady()) return;
    server.readyScheduled = true;
    this.queue.schedule(this.random.int(0, 3), { kind: "ready", server, incarnation: server.incarnation });
  }

  private server(id: string): Server {
    return this.servers.find((server) => server.id === id)!;
  }

  private drawNetworkFaults(): NetworkFaults {
    return {
      dropRate: this.random.next() * 0.2,
      duplicateRate: this.random.next() * 0.1,
      delayRate: this.random.next() * 0.1,
      maxDelay: this.random.int(1, 2 * tickInterval),
      longDelay: this.random.int(2, 20) * tickInterval,
    };
  }
}
