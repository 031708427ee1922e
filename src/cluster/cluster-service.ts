import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { RaftStatus } from "../consensus/raft.js";
import type { Message } from "../consensus/types.js";
import type { Clock, Timer } from "../host/clock.js";
import { parseClusterIp, type ClusterAddressSpec } from "../host/net/cluster-address.js";
import type { Random } from "../host/random.js";
import { AlkorError, asAlkorError } from "../model/errors.js";
import type { Liveness } from "../model/node.js";
import { nextPoolAction } from "./candidate-pool.js";
import type { ClusterIpHolder } from "./cluster-ip-holder.js";
import { nextFormationStep, type FormationGoal, type FormationPeer } from "./formation.js";
import { formationProof, joinProof, proofMatches } from "./join-token.js";
import { RaftDriver, type RaftTiming } from "./raft-driver.js";
import type { RaftStorage, StoredRaft } from "./raft-storage.js";
import type { ClusterRpcMethods } from "./rpc-methods.js";
import type { SiteConfig } from "./site-config.js";
import { ClusterStateMachine, type AppliedOutcome } from "./state/machine.js";
import { emptyClusterState, type ClusterCommand, type ClusterState } from "./state/schema.js";

export interface SelfNode {
  uuid: string;
  name: string;
  address: string;
  brokerPort: number;
}

/** Calls a cluster RPC method on a node by name. */
export type ClusterRpcCall = <K extends keyof ClusterRpcMethods & string>(
  node: string,
  method: K,
  params: import("zod").infer<ClusterRpcMethods[K]["params"]>,
  timeoutMs?: number,
) => Promise<import("zod").infer<ClusterRpcMethods[K]["result"]>>;

export interface ClusterServiceOptions {
  self: SelfNode;
  storage: RaftStorage;
  timing: RaftTiming;
  compactEvery: number;
  selfFenceTimeoutMs: number;
  proposalTimeoutMs: number;
  /** From the agent's config and the site config; null: the node waits for `alkor-cluster init` or `alkor-node add`. */
  goal: FormationGoal | null;
  site: SiteConfig | null;
  defaultCandidatePoolSize: number;
  /** The nodes this agent's membership table knows. */
  peers(): FormationPeer[];
  liveness(uuid: string): Liveness | undefined;
  nameOf(uuid: string): string | undefined;
  sendRaft(toNode: string, message: Message): void;
  call: ClusterRpcCall;
  /** Re-announces this node with its cluster membership and formation proof. */
  announce(cluster: { name: string; uuid: string } | null, formation: { name: string; proof: string } | null): void;
  ip: ClusterIpHolder;
  /** The device holding this node's management address: where the cluster IP goes by default. */
  managementDevice(): Promise<string>;
  clock: Clock;
  random: Random;
  log: Logger;
  onFatal(error: unknown): void;
  /** Told after every change Raft makes here (the job runner watches it). */
  onProgress?(): void;
}

const retryDelayMs = 10_000;
const ipVerifyIntervalMs = 2000;

/** A committed and applied change: the state's new serial and what the command answered (a job's id, for one). */
export interface Applied {
  serial: number;
  result: unknown;
}

interface PendingProposal {
  resolve(applied: Applied): void;
  reject(error: Error): void;
  timer: Timer;
}

export interface LocalClusterStatus {
  member: boolean;
  clusterName: string | null;
  clusterUuid: string | null;
  raft: RaftStatus | null;
  master: string | null;
  leaseHeld: boolean;
  /** Milliseconds since this node last knew it was part of a working majority. */
  quorumContactAgeMs: number | null;
  /** True once that exceeds the self-fence timeout: this node should consider itself fenced. */
  selfFenceDue: boolean;
  formation: string | null;
}

/**
 * This node's part in the cluster: it forms or joins one, runs Raft over the
 * mesh, applies the replicated state, and, while master, keeps the candidate
 * pool full and holds the cluster IP.
 */
export class ClusterService implements Service {
  readonly name = "cluster";
  private driver: RaftDriver | undefined;
  private readonly machine: ClusterStateMachine;
  private readonly pending = new Map<string, PendingProposal>();
  private readonly progressWaiters = new Set<() => void>();
  private formationTimer: Timer | undefined;
  private formationReason: string | null = null;
  private joining = false;
  private leaving = false;
  /** After a failed join or founding, the next attempt waits (monotonic ms), so a refusal is not repeated every second. */
  private retryAt = 0;
  private staleAddressCleared = false;
  private ipVerifiedAt = 0;
  private reconciling = false;
  private wasLeader = false;
  private fenceReported = false;
  private announced = "";
  private masterDevice: string | null = null;

  constructor(private readonly options: ClusterServiceOptions) {
    this.machine = new ClusterStateMachine(options.log, (id, outcome) => this.settle(id, outcome));
  }

  get state(): ClusterState {
    return this.machine.state;
  }

  get isMember(): boolean {
    return this.driver !== undefined;
  }

  isLeader(): boolean {
    return this.driver?.status().role === "leader";
  }

  leaderTerm(): number | null {
    const status = this.driver?.status();
    return status?.role === "leader" ? status.term : null;
  }

  /** This node leads, holds the lease and has applied everything committed before its term: its state is the cluster's. */
  masterReady(): boolean {
    const driver = this.driver;
    if (!driver || driver.status().role !== "leader") return false;
    const index = driver.readIndex();
    return index !== null && driver.applied >= index;
  }

  async start(): Promise<void> {
    const { options } = this;
    const stored = await options.storage.load();
    if (stored) this.run(stored);
    this.formationTimer = options.clock.every(1000, () => void this.formationRound());
    this.reannounce();
  }

  async stop(): Promise<void> {
    this.formationTimer?.cancel();
    this.driver?.stop();
    this.driver = undefined;
    for (const [id, proposal] of this.pending) {
      proposal.timer.cancel();
      proposal.reject(new AlkorError("environment_error", "The agent is stopping."));
      this.pending.delete(id);
    }
    await this.options.ip.release();
  }

  status(): LocalClusterStatus {
    const driver = this.driver;
    const cluster = this.state.cluster;
    const raft = driver?.status() ?? null;
    const contactAgeMs = raft === null ? null : raft.contactAge * this.options.timing.tickMs;
    return {
      member: driver !== undefined,
      clusterName: cluster?.name ?? null,
      clusterUuid: cluster?.uuid ?? null,
      raft,
      master: raft?.leaderId ? (this.nodeName(raft.leaderId) ?? raft.leaderId) : null,
      leaseHeld: driver?.leaseHeld() ?? false,
      quorumContactAgeMs: contactAgeMs,
      selfFenceDue: contactAgeMs !== null && contactAgeMs > this.options.selfFenceTimeoutMs,
      formation: this.formationReason,
    };
  }

  /** A peer's Raft message, from this node's broker. */
  receiveRaft(message: Message): void {
    if (message.to !== this.options.self.uuid) return;
    this.driver?.step(message);
  }

  /** Founds a new cluster with this node as its only voter and, once elected, commits its identity. */
  async found(cluster: { name: string; clusterIp: string; joinToken: string; masterNetdev: string | null; candidatePoolSize: number }): Promise<void> {
    const { options } = this;
    if (this.driver) throw new AlkorError("already_exists", `This node already belongs to cluster ${this.state.cluster?.name ?? "(joining)"}.`);
    await options.storage.begin([options.self.uuid]);
    this.run(await this.loadStored());
    try {
      await this.until(() => this.driver?.readIndex() != null, options.proposalTimeoutMs, "this node to become the master of its new cluster");
    } catch (error) {
      // Undone, so that the next attempt starts clean instead of finding a one-voter log with no cluster in it.
      (this.driver as RaftDriver | undefined)?.stop();
      this.driver = undefined;
      await options.storage.erase();
      throw error;
    }
    const { self } = options;
    await this.proposeLocal({
      kind: "cluster.init",
      cluster: { ...cluster, uuid: options.random.uuid(), createdAt: options.clock.now(), tls: null },
      defaultGroup: { uuid: options.random.uuid(), name: "default" },
      founder: { uuid: self.uuid, name: self.name, address: self.address, brokerPort: self.brokerPort, masterCandidate: true, drained: false, offline: false, masterCapable: true, vmCapable: true },
    });
    options.log.info({ cluster: cluster.name }, `Cluster ${cluster.name} is initialised; this node is its master.`);
  }

  /** Starts following a cluster whose master added this node (`alkor-node add`). */
  async adopt(clusterUuid: string, clusterName: string): Promise<void> {
    if (this.driver) {
      if (this.state.cluster?.uuid === clusterUuid || this.state.cluster === null) return;
      throw new AlkorError("wrong_state", `Node ${this.options.self.name} already belongs to cluster ${this.state.cluster.name}.`);
    }
    await this.options.storage.begin([]);
    this.run(await this.loadStored());
    this.options.log.info({ cluster: clusterName }, `This node was added to cluster ${clusterName}; it now follows its master.`);
  }

  /** Forgets the cluster: the master removed this node. */
  async leave(clusterUuid: string): Promise<void> {
    if (!this.driver || (this.state.cluster !== null && this.state.cluster.uuid !== clusterUuid)) {
      throw new AlkorError("wrong_state", `Node ${this.options.self.name} is not a member of cluster ${clusterUuid}.`);
    }
    const name = this.state.cluster?.name ?? clusterUuid;
    // No formation round until the removal is on disk: one in between would see no driver,
    // no removal record yet, and join straight back with the token (seen in a test run).
    this.leaving = true;
    try {
      this.driver.stop();
      this.driver = undefined;
      this.machine.restore(emptyClusterState);
      await this.options.ip.release();
      // Remembered, so that a node with the join token does not walk back in by itself.
      await this.options.storage.erase(clusterUuid);
    } finally {
      this.leaving = false;
    }
    this.reannounce();
    this.options.log.warn({ cluster: name }, `This node was removed from cluster ${name} and forgot it; it joins again only when added (alkor-node add).`);
  }

  /**
   * Commits a command through the master, wherever it runs; resolves with the
   * new serial once this node has applied it too, so what it reads next shows the change.
   */
  async propose(command: ClusterCommand): Promise<Applied> {
    const driver = this.requireMember();
    if (driver.status().role === "leader") return this.proposeLocal(command);
    const master = await this.masterName();
    const applied = await this.options.call(master, "cluster.propose", { command }, this.options.proposalTimeoutMs);
    await this.until(() => this.state.serial >= applied.serial, this.options.proposalTimeoutMs, `this node to apply change ${applied.serial}`);
    return applied;
  }

  /** Commits a command on this node, which must be the master. */
  proposeLocal(command: ClusterCommand): Promise<Applied> {
    const driver = this.requireMember();
    const id = this.options.random.uuid();
    const entry = driver.propose({ id, command });
    if (entry === null) return Promise.reject(this.notMaster());
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.after(this.options.proposalTimeoutMs, () => {
        this.pending.delete(id);
        reject(new AlkorError("timeout", `The change was not committed within ${this.options.proposalTimeoutMs} ms; it may still take effect. Check with alkor-cluster info.`));
      });
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  /**
   * A linearizable read (thesis §6.4): the master confirms it still holds its
   * lease and names its commit index; this node then waits until it has
   * applied that far. Resolves with the master's UUID.
   */
  async readBarrier(timeoutMs = 3000): Promise<string> {
    const driver = this.requireMember();
    if (driver.status().role === "leader") {
      let index: number | null = null;
      await this.until(() => (index = driver.readIndex()) !== null, timeoutMs, "this master to confirm its lease");
      await driver.waitApplied(index!, timeoutMs);
      return this.options.self.uuid;
    }
    const deadline = this.options.clock.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - this.options.clock.now());
    for (;;) {
      const master = await this.masterName(left());
      const asked = driver.status().leaderId;
      try {
        const { index, master: masterUuid } = await this.options.call(master, "cluster.read", {}, left());
        await driver.waitApplied(index, left());
        return masterUuid;
      } catch (error) {
        // The node asked has lost the master role and this one has not heard of the next master yet: ask that one when it does, within the same time.
        if (asAlkorError(error).code !== "wrong_state" || deadline <= this.options.clock.now()) throw error;
        await this.until(() => driver.status().leaderId !== asked, left(), "news of the new master").catch(() => {
          throw error;
        });
      }
    }
  }

  /** Answers a peer's cluster.read: only the master with a valid lease may. */
  async answerRead(): Promise<{ index: number; master: string }> {
    const driver = this.requireMember();
    if (driver.status().role !== "leader") throw this.notMaster();
    let index: number | null = null;
    await this.until(() => (index = driver.readIndex()) !== null, 1000, "this master to confirm its lease");
    return { index: index!, master: this.options.self.uuid };
  }

  /** Answers a node's request to join: checked and committed by the master, forwarded there by anyone else. */
  async answerJoin(request: { clusterUuid: string; uuid: string; name: string; address: string; brokerPort: number; proof: string }): Promise<{ clusterName: string }> {
    const driver = this.requireMember();
    const cluster = this.state.cluster;
    if (driver.status().role !== "leader") {
      return this.options.call(await this.masterName(), "cluster.join", request, this.options.proposalTimeoutMs);
    }
    if (cluster === null) throw new AlkorError("wrong_state", "The cluster is still being initialised; try again.");
    if (request.clusterUuid !== cluster.uuid) {
      throw new AlkorError("wrong_input", `Node ${request.name} asked to join cluster ${request.clusterUuid}, but this is cluster ${cluster.name} (${cluster.uuid}).`);
    }
    if (!proofMatches(joinProof(cluster.joinToken, cluster.uuid, request.uuid), request.proof)) {
      this.options.log.warn({ node: request.name, uuid: request.uuid, address: request.address }, `Node ${request.name} (${request.address}) was refused: its join token does not match cluster ${cluster.name}'s.`);
      throw new AlkorError("wrong_input", `The join token of node ${request.name} does not match cluster ${cluster.name}'s; the node was refused.`);
    }
    const { uuid, name, address, brokerPort } = request;
    await this.proposeLocal({
      kind: "node.add",
      node: { uuid, name, address, brokerPort, masterCandidate: false, drained: false, offline: false, masterCapable: true, vmCapable: true },
      at: this.options.clock.now(),
    });
    this.options.log.info({ node: name, uuid }, `Node ${name} joined cluster ${cluster.name}.`);
    return { clusterName: cluster.name };
  }

  /** Answers master-failover: hand leadership to `to` (a voter). */
  answerTransfer(to: string): void {
    const driver = this.requireMember();
    if (driver.status().role !== "leader") throw this.notMaster();
    if (!driver.status().voters.includes(to)) {
      throw new AlkorError("wrong_state", `Node ${this.nodeName(to) ?? to} is not a master candidate.`);
    }
    this.options.log.info({ to }, `Handing the master role to ${this.nodeName(to) ?? to}.`);
    driver.transferLeadership(to);
  }

  /** master-failover: asks the master to hand over to `to` and waits until `to` leads. */
  async requestTransfer(to: string, timeoutMs = 5000): Promise<void> {
    const driver = this.requireMember();
    await this.options.call(await this.masterName(), "cluster.transfer", { to }, timeoutMs);
    await this.until(() => driver.status().leaderId === to && (to !== this.options.self.uuid || driver.readIndex() !== null), timeoutMs, `${this.nodeName(to) ?? to} to take over as master`);
  }

  /** Resolves once `done` holds after some Raft progress; rejects with a timeout naming `what`. */
  until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        this.progressWaiters.delete(check);
        timer.cancel();
        resolve();
      };
      const timer = this.options.clock.after(timeoutMs, () => {
        this.progressWaiters.delete(check);
        reject(new AlkorError("timeout", `Gave up waiting for ${what} after ${timeoutMs} ms.`));
      });
      this.progressWaiters.add(check);
    });
  }

  /** The master's name; waits a little for an election in progress. */
  async masterName(timeoutMs = 3000): Promise<string> {
    const leader = (): string | null => this.driver?.status().leaderId ?? null;
    try {
      await this.until(() => leader() !== null, timeoutMs, "a master to be elected");
    } catch {
      throw this.noMaster();
    }
    const uuid = leader()!;
    const name = this.nodeName(uuid);
    if (name === undefined) throw new AlkorError("environment_error", `The master (${uuid}) is not known to this node yet.`);
    return name;
  }

  nodeName(uuid: string): string | undefined {
    return this.state.nodes[uuid]?.name ?? (uuid === this.options.self.uuid ? this.options.self.name : this.options.nameOf(uuid));
  }

  private requireMember(): RaftDriver {
    if (this.driver) return this.driver;
    throw new AlkorError(
      "wrong_state",
      `Node ${this.options.self.name} is not part of a cluster yet: run alkor-cluster init on one node, give the others its join token, or add them with alkor-node add.`,
    );
  }

  private notMaster(): AlkorError {
    const master = this.driver?.status().leaderId;
    const name = master ? this.nodeName(master) : undefined;
    return new AlkorError("wrong_state", `Node ${this.options.self.name} is not the master${name ? `; the master is ${name}` : ""}.`);
  }

  private noMaster(): AlkorError {
    const status = this.status();
    const age = status.quorumContactAgeMs === null ? "" : ` for ${(status.quorumContactAgeMs / 1000).toFixed(1)} s`;
    return new AlkorError("environment_error", `No master is reachable from ${this.options.self.name}: it has had no contact with a majority of the master candidates${age}.`);
  }

  private async loadStored(): Promise<StoredRaft> {
    const stored = await this.options.storage.load();
    if (!stored) throw new AlkorError("internal_error", "The Raft state just written could not be read back.");
    return stored;
  }

  private run(stored: StoredRaft): void {
    const { options } = this;
    this.driver = new RaftDriver({
      selfId: options.self.uuid,
      initialVoters: stored.initialVoters,
      restored: stored.state,
      storage: options.storage,
      machine: this.machine,
      send: (message) => {
        const name = this.nodeName(message.to);
        if (name === undefined) options.log.debug({ to: message.to, type: message.type }, "A Raft message to an unknown node was dropped.");
        else options.sendRaft(name, message);
      },
      timing: options.timing,
      compactEvery: options.compactEvery,
      clock: options.clock,
      random: options.random,
      log: options.log,
      onProgress: () => this.afterProgress(),
      onFatal: (error) => options.onFatal(error),
    });
    this.driver.start();
  }

  private settle(id: string, outcome: AppliedOutcome): void {
    const proposal = this.pending.get(id);
    if (!proposal) return;
    this.pending.delete(id);
    proposal.timer.cancel();
    if (outcome.ok) proposal.resolve({ serial: outcome.serial, result: outcome.result });
    else proposal.reject(new AlkorError(outcome.refusal.code, outcome.refusal.message));
  }

  private afterProgress(): void {
    const driver = this.driver;
    if (!driver) return;
    const status = driver.status();
    const leader = status.role === "leader";
    if (leader !== this.wasLeader) {
      this.wasLeader = leader;
      if (leader) this.options.log.info({ term: status.term }, `This node is now the master (term ${status.term}).`);
      else this.options.log.warn({ term: status.term }, `This node is no longer the master (term ${status.term}).`);
    }
    const spec = this.clusterIpSpec();
    const leaseHeld = driver.leaseHeld();
    if (spec !== null && !leaseHeld && !this.staleAddressCleared) {
      // An address a crashed run of this node left on the interface is not this run's to hold.
      this.staleAddressCleared = true;
      void this.options.ip.clearLeftover(spec);
    }
    this.options.ip.want(leaseHeld ? spec : null);
    if (leaseHeld && this.options.clock.monotonic() - this.ipVerifiedAt >= ipVerifyIntervalMs) {
      this.ipVerifiedAt = this.options.clock.monotonic();
      this.options.ip.verify();
    }
    this.reportQuorum();
    this.reannounce();
    if (leader) this.reconcile();
    for (const check of [...this.progressWaiters]) check();
    this.options.onProgress?.();
  }

  private clusterIpSpec(): ClusterAddressSpec | null {
    const cluster = this.state.cluster;
    if (cluster === null) return null;
    const device = cluster.masterNetdev ?? this.masterDevice;
    if (device === null) {
      void this.options.managementDevice().then(
        (found) => (this.masterDevice = found),
        (error: unknown) => this.options.log.error({ err: error }, `Cannot find the network device for the cluster IP: ${asAlkorError(error).message}`),
      );
      return null;
    }
    return { ...parseClusterIp(cluster.clusterIp), device };
  }

  private reportQuorum(): void {
    const { selfFenceDue, quorumContactAgeMs } = this.status();
    if (selfFenceDue && !this.fenceReported) {
      this.options.log.error({ contactAgeMs: quorumContactAgeMs }, `This node has been cut off from the majority for more than ${this.options.selfFenceTimeoutMs / 1000} s; it must consider itself fenced.`);
    } else if (!selfFenceDue && this.fenceReported) {
      this.options.log.info("This node is in contact with the majority again.");
    }
    this.fenceReported = selfFenceDue;
  }

  /** The master keeps Raft's members in line with the state and the candidate pool full, one step at a time. */
  private reconcile(): void {
    const driver = this.driver;
    if (!driver || this.reconciling || this.state.cluster === null) return;
    const status = driver.status();
    const action = nextPoolAction({
      state: this.state,
      raft: { voters: status.voters, learners: status.learners },
      leader: this.options.self.uuid,
      liveness: (uuid) => this.options.liveness(uuid),
      caughtUp: (uuid) => driver.caughtUp(uuid),
    });
    if (action === null) return;
    if (action.kind === "conf") {
      if (driver.proposeConfChange(action.change) !== null) this.options.log.info({ change: action.change }, action.reason);
      return;
    }
    this.reconciling = true;
    this.options.log.info({ command: action.command }, action.reason);
    this.proposeLocal(action.command)
      .catch((error: unknown) => this.options.log.warn({ err: error }, `The candidate pool could not be adjusted: ${asAlkorError(error).message}`))
      .finally(() => (this.reconciling = false));
  }

  private reannounce(): void {
    const { options } = this;
    const cluster = this.state.cluster;
    const clusterTag = this.driver && cluster ? { name: cluster.name, uuid: cluster.uuid } : null;
    const site = options.site;
    const formation = !this.driver && site ? { name: site.clusterName, proof: formationProof(site.joinToken, site.clusterName, options.self.uuid) } : null;
    const text = JSON.stringify([clusterTag, formation]);
    if (text === this.announced) return;
    this.announced = text;
    options.announce(clusterTag, formation);
  }

  /** A node that is not a member looks for its cluster once a second, and founds it when its turn comes. */
  private async formationRound(): Promise<void> {
    const { options } = this;
    const goal = options.goal;
    if (this.driver || this.joining || this.leaving || goal === null || options.clock.monotonic() < this.retryAt) return;
    const removedFrom = await options.storage.removedFrom();
    const step = nextFormationStep(options.self, goal, options.peers().filter((peer) => peer.cluster === null || peer.cluster.uuid !== removedFrom));
    this.formationReason = step.kind === "wait" ? step.reason : null;
    if (step.kind === "wait") return;
    this.joining = true;
    try {
      if (step.kind === "found") {
        const site = options.site!;
        options.log.info({ members: step.members }, `${step.members.length} nodes for cluster ${site.clusterName} see each other; this node founds it.`);
        await this.found({
          name: site.clusterName,
          clusterIp: site.clusterIp,
          joinToken: site.joinToken,
          masterNetdev: site.masterNetdev ?? null,
          candidatePoolSize: site.candidatePoolSize ?? options.defaultCandidatePoolSize,
        });
      } else {
        await this.join(step.via, step.clusterUuid, step.clusterName, goal.joinToken);
      }
    } catch (error) {
      options.log.error({ err: error }, `Could not ${step.kind === "found" ? "found" : "join"} the cluster: ${asAlkorError(error).message} Trying again in ${retryDelayMs / 1000} s.`);
      this.retryAt = options.clock.monotonic() + retryDelayMs;
    } finally {
      this.joining = false;
    }
  }

  private async join(via: string, clusterUuid: string, clusterName: string, token: string): Promise<void> {
    const { self } = this.options;
    await this.options.call(via, "cluster.join", { clusterUuid, ...self, proof: joinProof(token, clusterUuid, self.uuid) }, this.options.proposalTimeoutMs);
    if (!this.driver) {
      await this.options.storage.begin([]);
      this.run(await this.loadStored());
    }
    this.options.log.info({ cluster: clusterName, via }, `This node joined cluster ${clusterName} (through ${via}).`);
  }
}
