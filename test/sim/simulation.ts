import type { Message } from "../../src/consensus/index.js";
import { EventQueue } from "./events.js";
import { InvariantViolation } from "./invariant.js";
import { livenessProblem } from "./liveness.js";
import { Network, reliable, type NetworkFaults } from "./network.js";
import { SeededRandom } from "./random.js";
import { SafetyChecker } from "./safety.js";
import { faithfulRecovery, Server, type Recovery } from "./server.js";
import { Trace } from "./trace.js";
import { Workload } from "./workload.js";

export interface SimulationOptions {
  readonly seed: number;
  readonly nodes?: number;
  /** Events to run before healing everything and checking liveness. */
  readonly steps?: number;
  /** How restarted servers read their disks; a broken one shows the checker bites. */
  readonly recover?: Recovery;
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
  readonly crashes: number;
  readonly partitions: number;
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
  | { readonly kind: "fault" | "propose" };

/** Virtual time units per Raft tick; message delays are finer, so deliveries interleave with ticks. */
const tickInterval = 10;
const electionTicks = 10;
/** After healing, the cluster must have a leader and every acknowledged write on a majority within this many ticks. */
const livenessTicks = 40 * electionTicks;

/**
 * A seeded run of N servers on a faulty network (FoundationDB-style
 * simulation): one random source drives delays, drops, duplicates,
 * partitions, crashes and the workload, so a seed replays the same trace.
 * Safety is checked after every event; liveness once everything is healed.
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
  private readonly recover: Recovery;
  /** Mean time units between faults and between proposals, drawn per run. */
  private readonly faultInterval: number;
  private readonly proposeInterval: number;
  private readonly tornCrashRate: number;
  private healed = false;
  private step = 0;
  private crashes = 0;
  private partitions = 0;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.random = new SeededRandom(options.seed);
    this.steps = options.steps ?? 20_000;
    this.recover = options.recover ?? faithfulRecovery;
    this.network = new Network(this.random, this.drawNetworkFaults());
    this.faultInterval = this.random.int(5, 60) * tickInterval;
    this.proposeInterval = this.random.int(1, 10) * tickInterval;
    this.tornCrashRate = this.random.next();
    const ids = Array.from({ length: options.nodes ?? 3 }, (_, i) => `n${i + 1}`);
    const config = {
      voters: ids,
      electionTicks,
      heartbeatTicks: 2,
      randomInt: (min: number, max: number) => this.random.int(min, max),
      preVote: this.random.chance(0.75),
      checkQuorum: this.random.chance(0.75),
    };
    this.trace.record(`seed ${this.seed} nodes ${ids.length} ${JSON.stringify(this.network.faults)} preVote ${config.preVote} checkQuorum ${config.checkQuorum}`);
    this.servers = ids.map((id) => new Server(id, config, this.checker, this.workload));
    for (const server of this.servers) this.scheduleTick(server, this.random.int(1, tickInterval + 1));
    this.queue.schedule(this.faultInterval, { kind: "fault" });
    this.queue.schedule(this.proposeInterval, { kind: "propose" });
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
      nodes: this.servers.length,
      steps: this.step,
      ticks: Math.floor(this.queue.now / tickInterval),
      terms: this.checker.terms,
      proposed: this.workload.proposed,
      acked: this.workload.acked.size,
      crashes: this.crashes,
      partitions: this.partitions,
      hash: this.trace.digest(),
    };
  }

  private next(): void {
    const event = this.queue.pop()!;
    this.step++;
    this.handle(event);
    for (const server of this.servers) {
      if (!server.up) continue;
      const { role, term } = server.node.status();
      if (role === "leader") this.checker.leader(server.id, term);
    }
  }

  private handle(event: Event): void {
    const at = this.queue.now;
    switch (event.kind) {
      case "tick": {
        const { server } = event;
        if (server.incarnation !== event.incarnation) return;
        server.node.tick();
        this.trace.record(`${at} tick ${server.id}`);
        this.scheduleReady(server);
        this.scheduleTick(server, tickInterval);
        return;
      }
      case "ready": {
        const { server } = event;
        if (server.incarnation !== event.incarnation) return;
        server.readyScheduled = false;
        const messages = server.drive();
        this.trace.record(`${at} ready ${server.id} sends ${messages.length}`);
        for (const message of messages) this.send(message);
        return;
      }
      case "deliver": {
        const { message } = event;
        const server = this.server(message.to);
        if (!server.up || !this.network.connected(message.from, message.to)) return;
        this.trace.record(`${at} deliver ${message.type} ${message.from}>${message.to} t${message.term}`);
        server.node.step(message);
        this.scheduleReady(server);
        return;
      }
      case "restart": {
        if (event.server.up) return;
        event.server.restart(this.recover);
        this.trace.record(`${at} restart ${event.server.id}`);
        this.scheduleTick(event.server, this.random.int(1, tickInterval + 1));
        return;
      }
      case "fault":
        if (this.healed) return;
        this.fault();
        this.queue.schedule(this.random.int(1, 2 * this.faultInterval), { kind: "fault" });
        return;
      case "propose":
        if (this.healed) return;
        this.propose();
        this.queue.schedule(this.random.int(1, 2 * this.proposeInterval), { kind: "propose" });
        return;
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

  /** A client asks a random server, which forwards to the leader it knows. */
  private propose(): void {
    const asked = this.random.pick(this.servers);
    if (!asked.up) return;
    const { role, leaderId } = asked.node.status();
    const leader = role === "leader" ? asked : leaderId === null ? undefined : this.server(leaderId);
    if (leader === undefined || !leader.up) return;
    const write = this.workload.next(this.random);
    const index = leader.propose(write);
    this.trace.record(`${this.queue.now} propose w${write.id} ${write.key}=${write.value} to ${leader.id}: ${index ?? "refused"}`);
    if (index === null) return;
    this.workload.proposed++;
    this.scheduleReady(leader);
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
