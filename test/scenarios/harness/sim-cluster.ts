import { pino } from "pino";
import { AlkorError } from "../../../src/model/errors.js";
import type { Liveness } from "../../../src/model/node.js";
import { SeededRandom } from "../../sim/random.js";
import { uuidOf } from "../../unit/cluster/fixtures.js";
import { Membership, type MembershipTiming } from "./membership.js";
import { Network } from "./network.js";
import { seededRandom } from "./seeded-random.js";
import { SimNode, type NodeSettings, type NodeWorld } from "./sim-node.js";
import { VirtualClock } from "./virtual-clock.js";

export interface SimConfig {
  nodes: number;
  seed: number;
  settings: NodeSettings;
  membership: MembershipTiming;
  networkDelayMs: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Lets every promise continuation that an event set off run before the next event. */
const quiesce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * N nodes on one virtual clock and one simulated network. Time moves one
 * timer at a time; after each, the nodes' async work runs to completion
 * before `afterEvent` looks at the result.
 */
export class SimCluster implements NodeWorld {
  readonly clock = new VirtualClock();
  readonly network: Network;
  readonly nodes: SimNode[];
  readonly settings: NodeSettings;
  readonly log = pino({ level: "silent" });
  private readonly membership: Membership;
  private fatal: unknown = undefined;
  /** Looks at the nodes after each event; throwing fails the run. */
  afterEvent: () => void = () => {};

  constructor(config: SimConfig) {
    const system = this.clock.view({ alive: true });
    const seeds = new SeededRandom(config.seed);
    this.settings = config.settings;
    this.network = new Network(system, config.networkDelayMs, () => this.noteReachability());
    this.membership = new Membership(system, config.membership, (observer, subject) => this.network.reachable(observer, subject) && this.find(subject)?.service !== undefined);
    this.nodes = Array.from({ length: config.nodes }, (_, i) => new SimNode(`node${i + 1}`, uuidOf(i + 1), `10.0.0.${i + 1}`, seededRandom(seeds.int(0, 2 ** 32)), this));
  }

  others(self: SimNode): SimNode[] {
    return this.nodes.filter((node) => node !== self);
  }

  find(name: string): SimNode | undefined {
    return this.nodes.find((node) => node.name === name);
  }

  /** The node by name; a name the scenario does not have is the scenario's mistake. */
  node(name: string): SimNode {
    const node = this.find(name);
    if (!node) throw new AlkorError("wrong_input", `This scenario has no node ${name}; it has ${this.nodes.map((n) => n.name).join(", ")}.`);
    return node;
  }

  liveness(observer: string, subject: string): Liveness {
    return this.membership.liveness(observer, subject);
  }

  fail(error: unknown): void {
    this.fatal ??= error;
  }

  async start(name: string): Promise<void> {
    await this.node(name).start();
    this.noteReachability();
    await quiesce();
  }

  crash(name: string): void {
    this.node(name).crash();
    this.noteReachability();
  }

  /** Runs every event due within `ms`. */
  async advance(ms: number): Promise<void> {
    const until = this.clock.elapsed + ms;
    while (await this.step(until));
  }

  /** Runs events until `work` settles, at most `limitMs` of virtual time. */
  async finish<T>(work: Promise<T>, limitMs: number): Promise<Outcome<T>> {
    let outcome: Outcome<T> | undefined;
    work.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    const until = this.clock.elapsed + limitMs;
    await quiesce();
    while (outcome === undefined) {
      if (!(await this.step(until))) throw new Error(`the command was still running after ${limitMs / 1000} s of virtual time`);
    }
    return outcome;
  }

  private async step(until: number): Promise<boolean> {
    if (!this.clock.fireNext(until)) return false;
    await quiesce();
    if (this.fatal !== undefined) throw this.fatal;
    this.afterEvent();
    return true;
  }

  private noteReachability(): void {
    this.membership.update(this.nodes.map((node) => node.name));
  }
}
