import type { Random } from "../host/random.js";
import { AlkorError } from "../model/errors.js";
import { RaftLog } from "./log.js";
import { applyChange } from "./membership.js";
import { newProgress, type Progress } from "./progress.js";
import { quorumSize, reachedByQuorum, voteResult } from "./quorum.js";
import type {
  AppendEntries,
  AppendEntriesResponse,
  ConfChange,
  Entry,
  HardState,
  InstallSnapshot,
  Message,
  NodeId,
  PersistentState,
  Ready,
  Role,
  Snapshot,
  VoteRequest,
} from "./types.js";

export interface RaftConfig {
  readonly id: NodeId;
  /**
   * The voters of an empty log, this node included if it may become leader.
   * A configuration entry in the log or a snapshot overrides it (thesis §4.1);
   * a server joining an existing cluster starts with none and learns them from the leader.
   */
  readonly voters: readonly NodeId[];
  /** The learners of an empty log (default none): they receive the log but never campaign (thesis §4.2.1). */
  readonly learners?: readonly NodeId[];
  /** Election timeout in ticks; each timeout is drawn from [electionTicks, 2 × electionTicks) (§5.2). */
  readonly electionTicks: number;
  /** Ticks between a leader's heartbeats; well below electionTicks (§5.6). */
  readonly heartbeatTicks: number;
  readonly randomInt: Random["int"];
  /** Default true: campaign only after a PreVote round shows a majority would vote (thesis §9.6). */
  readonly preVote?: boolean;
  /** Default true: a leader that has not heard from a majority within an election timeout steps down (thesis §6.2). */
  readonly checkQuorum?: boolean;
  /**
   * Default 2, at least 1: the leader lease ends this many ticks before the
   * followers' vote refusal can (see leaseHeld). One tick covers the phase
   * between nodes' ticks; the rest covers tick rates that differ (with 10
   * election ticks and a margin of 2, a follower's ticks may run up to 9/8 as fast).
   */
  readonly leaseMarginTicks?: number;
  /**
   * Default unlimited: an AppendEntries carries entries up to about this many
   * bytes of JSON (always at least one), as etcd's MaxSizePerMsg; a follower
   * far behind catches up in several messages, each under the transport's limit.
   */
  readonly maxAppendBytes?: number;
  /** The node's durable state after a restart. */
  readonly restored?: PersistentState;
  /** The last index the driver's state machine has applied. */
  readonly applied?: number;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly leaderId: NodeId | null;
  readonly transferee: NodeId | null;
  readonly commitIndex: number;
  readonly lastIndex: number;
  /** The latest configuration in the log, committed or not (thesis §4.1). */
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** The index of the latest snapshot; the log holds the entries after it (§7). */
  readonly snapshotIndex: number;
  /**
   * Ticks since this node last knew it was part of a working quorum: as leader,
   * since the latest message a quorum acknowledged (or its election); otherwise
   * since the last message from the leader of its term; never in contact, since it started.
   */
  readonly contactAge: number;
}

/**
 * One Raft server as a deterministic state machine: tick(), step() and
 * propose() change it; ready() says what to persist, send and apply.
 */
export class RaftNode {
  readonly id: NodeId;
  private readonly config: RaftConfig;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly leaseMarginTicks: number;
  private readonly log: RaftLog;

  private term: number;
  private votedFor: NodeId | null;
  private commitIndex: number;
  private applied: number;
  private role: Role = "follower";
  private leaderId: NodeId | null = null;

  /** Ticks since this node started: the clock of the lease and of contactAge. */
  private ticks = 0;
  /**
   * The tick this node last knew it was part of a working quorum (see
   * contactAge). Starts at 0: a node restarted in a term may have acknowledged
   * a leader just before it crashed, whose lease counts on it to refuse votes.
   */
  private contactTick = 0;
  /**
   * Set once this leader sends TimeoutNow: the target's election skips the
   * followers' lease (thesis §3.10), and a delayed or duplicated TimeoutNow can
   * start it at any time in this term, so the lease is gone for the rest of it.
   */
  private timeoutNowSent = false;
  /**
   * As leader: the latest leaderTick a quorum of voters has acknowledged, this
   * leader counting as having acknowledged everything (Infinity when it is
   * the only voter). Updated when an acknowledgement or the configuration changes.
   */
  private quorumAckedTick = -Infinity;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private readonly votes = new Map<NodeId, boolean>();
  private readonly progress = new Map<NodeId, Progress>();
  /** The voter this leader is handing leadership to (thesis §3.10), if any. */
  private transferee: NodeId | null = null;

  private outbox: Message[] = [];
  private persistedHardState: HardState;
  /** Set between ready() and advance(): the commit index whose entries were handed out to apply. */
  private pendingApplied: number | null = null;
  /** A snapshot the driver has yet to persist. */
  private pendingSnapshot: Snapshot | null = null;
  /** A snapshot from the leader the driver has yet to load into its state machine. */
  private pendingRestore: Snapshot | null = null;

  constructor(config: RaftConfig) {
    this.config = config;
    this.id = config.id;
    this.preVote = config.preVote ?? true;
    this.checkQuorum = config.checkQuorum ?? true;
    this.leaseMarginTicks = config.leaseMarginTicks ?? 2;
    const hardState = config.restored?.hardState ?? { term: 0, votedFor: null, commit: 0 };
    const snapshot = config.restored?.snapshot;
    this.log = new RaftLog(config.restored?.entries ?? [], snapshot, {
      voters: config.voters,
      learners: config.learners ?? [],
    });
    this.term = hardState.term;
    this.votedFor = hardState.votedFor;
    // The snapshot holds committed entries only, and the driver loads it into its state machine on restart.
    this.commitIndex = Math.max(hardState.commit, snapshot?.index ?? 0);
    this.applied = Math.max(config.applied ?? 0, snapshot?.index ?? 0);
    this.persistedHardState = hardState;
    this.resetElectionTimer();
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      votedFor: this.votedFor,
      leaderId: this.leaderId,
      transferee: this.transferee,
      commitIndex: this.commitIndex,
      lastIndex: this.log.lastIndex(),
      ...this.log.configuration(),
      snapshotIndex: this.log.latestSnapshot().index,
      contactAge: this.ticks - this.quorumContactTick(),
    };
  }

  /**
   * Whether this leader knows no other leader can exist now, so it may hold the
   * cluster IP and serve reads. Followers refuse votes for an election timeout
   * after hearing from a leader (thesis §4.2.3), so once a quorum has
   * acknowledged a message sent at tick t, no other leader can be elected
   * before the followers' electionTicks have passed since t: the lease is held
   * while fewer than electionTicks - leaseMarginTicks ticks have passed since
   * then (thesis §6.4.1). It assumes the nodes' ticks run at nearly the same
   * rate (see leaseMarginTicks).
   */
  leaseHeld(): boolean {
    if (this.role !== "leader" || this.timeoutNowSent) return false;
    // The other voters bound other leaders only by refusing votes, which is CheckQuorum's lease.
    if (!this.checkQuorum && this.voters().some((id) => id !== this.id)) return false;
    return this.ticks - this.quorumAckTick() < this.config.electionTicks - this.leaseMarginTicks;
  }

  /**
   * Thesis §6.4 read, lease-based (§6.4.1): the index a read must wait for the
   * state machine to apply, or null if this node cannot serve one now. Only
   * once an entry of its own term has committed (the §8 no-op) does a new
   * leader know that its commit index covers every earlier committed entry.
   */
  readIndex(): number | null {
    if (!this.leaseHeld() || this.log.term(this.commitIndex) !== this.term) return null;
    return this.commitIndex;
  }

  /** One unit of logical time. */
  tick(): void {
    this.ticks++;
    if (this.role === "leader") this.tickLeader();
    else this.tickElection();
  }

  /**
   * Appends data to the log if this node is the leader; null otherwise (the
   * caller forwards to the leader), or while leadership is being transferred.
   */
  propose(data: unknown): Entry | null {
    // Thesis §3.10: the old leader stops accepting requests during a transfer.
    if (this.role !== "leader" || this.transferee !== null) return null;
    const entry = this.log.append(this.term, data);
    this.broadcastAppend();
    return entry;
  }

  /**
   * Appends a single-server configuration change (thesis §4.1) if this node is
   * the leader and the change applies; null otherwise. The new configuration
   * takes effect on every server as soon as it is in its log.
   */
  proposeConfChange(change: ConfChange): Entry | null {
    if (this.role !== "leader" || this.transferee !== null) return null;
    // Thesis §4.1: one change at a time, so the latest configuration must be committed first.
    if (this.log.configIndex() > this.commitIndex) return null;
    // Thesis §4.1 (erratum, raft-dev 2015): nor before an entry of this leader's term has committed,
    // or a change an earlier leader left uncommitted could be overwritten while this one commits.
    if (this.log.term(this.commitIndex) !== this.term) return null;
    const next = applyChange(this.log.configuration(), change);
    if (next === null) return null;
    const entry = this.log.appendConfig(this.term, change, next);
    this.syncProgress();
    this.broadcastAppend();
    return entry;
  }

  /**
   * §7 log compaction: the driver's state machine, `data`, holds every entry
   * up to index, which it has applied. The entries up to index are discarded
   * and ready() hands out the snapshot to persist. Ignored if index is not
   * after the latest snapshot.
   */
  compact(index: number, data: unknown): void {
    if (index > this.applied) {
      throw new AlkorError("wrong_state", `raft cannot compact to ${index}: only ${this.applied} applied`);
    }
    if (index <= this.log.latestSnapshot().index) return;
    this.pendingSnapshot = this.log.compact(index, data);
  }

  /**
   * Thesis §3.10 leadership transfer: bring the target's log up to date, then
   * send it TimeoutNow. Abandoned if it has not happened within an election timeout.
   */
  transferLeadership(to: NodeId): void {
    const progress = this.progress.get(to);
    if (this.role !== "leader" || progress === undefined || !this.voters().includes(to)) return;
    this.transferee = to;
    this.electionElapsed = 0;
    if (progress.matchIndex === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(progress);
  }

  step(m: Message): void {
    if (m.to !== this.id) return;
    if (m.term > this.term) {
      const isVoteRequest = m.type === "PreVote" || m.type === "RequestVote";
      // Thesis §4.2.3: while a leader is known, vote requests are ignored, so a
      // server that was partitioned cannot depose a leader a majority still hears.
      if (isVoteRequest && this.inLeaderLease() && !m.leadershipTransfer) return;
      // Thesis §9.6: a PreVote (and a granted answer to one) carries term + 1 without anyone adopting it.
      const preVoteTerm = m.type === "PreVote" || (m.type === "PreVoteResponse" && m.voteGranted);
      // §5.1: a server that sees a higher term adopts it and becomes follower.
      const fromLeader = m.type === "AppendEntries" || m.type === "InstallSnapshot";
      if (!preVoteTerm) this.becomeFollower(m.term, fromLeader ? m.from : null);
    } else if (m.term < this.term) {
      this.rejectStale(m);
      return;
    }

    switch (m.type) {
      case "PreVote":
      case "RequestVote":
        this.handleVoteRequest(m);
        break;
      case "PreVoteResponse":
        if (this.role === "pre-candidate") this.countVote(m.from, m.voteGranted);
        break;
      case "RequestVoteResponse":
        if (this.role === "candidate") this.countVote(m.from, m.voteGranted);
        break;
      case "AppendEntries":
      case "InstallSnapshot":
        if (this.role === "leader") return; // §5.2: at most one leader per term, so this cannot be current
        // §5.2: a candidate that hears from the leader of its term returns to follower
        if (this.role !== "follower") this.becomeFollower(this.term, m.from);
        this.leaderId = m.from;
        this.electionElapsed = 0;
        this.contactTick = this.ticks;
        if (m.type === "AppendEntries") this.handleAppendEntries(m);
        else this.handleInstallSnapshot(m);
        break;
      case "AppendEntriesResponse":
        if (this.role === "leader") this.handleAppendResponse(m);
        break;
      case "TimeoutNow":
        if (this.role === "leader") return;
        this.contactTick = this.ticks;
        // Thesis §3.10: the transfer target campaigns at once, skipping PreVote and the lease.
        if (this.isVoter()) this.campaign("election", true);
        break;
    }
  }

  /** Whether ready() has work; never while the last ready() awaits advance(). */
  hasReady(): boolean {
    if (this.pendingApplied !== null) return false;
    return (
      this.pendingSnapshot !== null ||
      this.outbox.length > 0 ||
      this.log.hasUnstable() ||
      !sameHardState(this.hardState(), this.persistedHardState) ||
      this.commitIndex > this.applied
    );
  }

  /** What the driver must do next; see Ready for the order. Call advance() when done. */
  ready(): Ready {
    if (this.pendingApplied !== null) {
      throw new AlkorError("wrong_state", "raft ready() called again before advance()");
    }
    const hardState = this.hardState();
    const changed = !sameHardState(hardState, this.persistedHardState);
    this.persistedHardState = hardState;
    const messages = this.outbox;
    this.outbox = [];
    this.pendingApplied = this.commitIndex;
    const snapshot = this.pendingSnapshot;
    const restore = this.pendingRestore;
    this.pendingSnapshot = this.pendingRestore = null;
    // After a restore the state machine holds everything up to the snapshot.
    const applyFrom = Math.max(this.applied, restore?.index ?? 0) + 1;
    return {
      persist: {
        ...(snapshot === null ? {} : { snapshot }),
        ...(changed ? { hardState } : {}),
        ...this.log.takeUnstable(),
      },
      messages,
      ...(restore === null ? {} : { restore }),
      committed: this.log.slice(applyFrom, this.commitIndex),
    };
  }

  /** The last ready() has been persisted, sent and applied. */
  advance(): void {
    if (this.pendingApplied === null) return;
    this.applied = Math.max(this.applied, this.pendingApplied);
    this.pendingApplied = null;
    this.log.markPersisted();
    // Thesis §10.2.1: the leader counts its own entries only once they are durable.
    if (this.role === "leader") this.maybeCommit();
  }

  private hardState(): HardState {
    return { term: this.term, votedFor: this.votedFor, commit: this.commitIndex };
  }

  /** Thesis §4.1: the latest configuration in the log decides, committed or not. */
  private voters(): readonly NodeId[] {
    return this.log.configuration().voters;
  }

  private isVoter(): boolean {
    return this.voters().includes(this.id);
  }

  /** The voters a candidate asks for votes. */
  private peers(): NodeId[] {
    return this.voters().filter((id) => id !== this.id);
  }

  /** Everyone the leader replicates to: voters and learners (thesis §4.2.1). */
  private replicas(): NodeId[] {
    const { voters, learners } = this.log.configuration();
    return [...voters, ...learners].filter((id) => id !== this.id);
  }

  /** A leader tracks exactly the servers of its latest configuration; new ones start probing. */
  private syncProgress(): void {
    const replicas = this.replicas();
    for (const id of replicas) if (!this.progress.has(id)) this.progress.set(id, newProgress(id, this.log.lastIndex()));
    for (const id of this.progress.keys()) if (!replicas.includes(id)) this.progress.delete(id);
    this.updateQuorumAckedTick();
  }

  private send(m: Message): void {
    this.outbox.push(m);
  }

  /**
   * Thesis §4.2.3: a server that heard from a leader within the election
   * timeout neither updates its term for a vote request nor grants its vote,
   * even in a term it has learned since; a leader, while it leads.
   */
  private inLeaderLease(): boolean {
    if (!this.checkQuorum) return false;
    // A node still in term 0 has heard from no leader, in this life or before.
    return this.role === "leader" || (this.term > 0 && this.ticks - this.contactTick < this.config.electionTicks);
  }

  /** The tick of the latest message a quorum of voters acknowledged, this leader's own acknowledgement being now. */
  private quorumAckTick(): number {
    return Math.min(this.ticks, this.quorumAckedTick);
  }

  private updateQuorumAckedTick(): void {
    this.quorumAckedTick = reachedByQuorum(this.voters(), (id) =>
      id === this.id ? Infinity : (this.progress.get(id)?.ackedTick ?? -Infinity),
    );
  }

  /** Where contactAge counts from. */
  private quorumContactTick(): number {
    return this.role === "leader" ? Math.max(this.contactTick, this.quorumAckTick()) : this.contactTick;
  }

  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    // §5.2: randomized timeouts make split votes rare
    this.randomizedElectionTimeout = this.config.randomInt(this.config.electionTicks, 2 * this.config.electionTicks);
  }

  private tickElection(): void {
    this.electionElapsed++;
    // §5.2: a follower that hears nothing for an election timeout starts an election
    if (this.isVoter() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.campaign(this.preVote ? "pre-vote" : "election", false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      this.transferee = null;
      // A transfer abandoned after TimeoutNow left this leader without a lease for
      // the rest of its term (see timeoutNowSent); stepping down lets an ordinary
      // election give the cluster a master that can hold one again.
      // Thesis §6.2 CheckQuorum: a leader cut off from a majority steps down too.
      if (this.timeoutNowSent || (this.checkQuorum && !this.quorumActive())) {
        this.becomeFollower(this.term, null);
        return;
      }
    }
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastAppend(true);
    }
  }

  /** Whether a majority was heard from since the last check; starts the next window. */
  private quorumActive(): boolean {
    const voters = this.voters();
    // Learners do not count, nor does a leader that is removing itself (thesis §4.2.2).
    let active = this.isVoter() ? 1 : 0;
    for (const progress of this.progress.values()) {
      if (progress.recentActive && voters.includes(progress.id)) active++;
      progress.recentActive = false;
    }
    return active >= quorumSize(voters);
  }

  private becomeFollower(term: number, leaderId: NodeId | null): void {
    // A deposed leader keeps the contact its quorum's acknowledgements gave it.
    this.contactTick = this.quorumContactTick();
    if (term > this.term) {
      this.term = term;
      this.votedFor = null;
    }
    this.role = "follower";
    this.leaderId = leaderId;
    this.transferee = null;
    this.votes.clear();
    this.progress.clear();
    this.resetElectionTimer();
  }

  private campaign(kind: "pre-vote" | "election", leadershipTransfer: boolean): void {
    this.resetElectionTimer();
    this.leaderId = null;
    this.votes.clear();
    this.progress.clear();
    let term = this.term + 1;
    if (kind === "pre-vote") {
      this.role = "pre-candidate";
    } else {
      // §5.2: increment the term, vote for self, request votes from the others
      this.role = "candidate";
      this.term = term;
      this.votedFor = this.id;
      term = this.term;
    }
    const type = kind === "pre-vote" ? "PreVote" : "RequestVote";
    for (const to of this.peers()) {
      this.send({
        type,
        from: this.id,
        to,
        term,
        lastLogIndex: this.log.lastIndex(),
        lastLogTerm: this.log.lastTerm(),
        ...(leadershipTransfer ? { leadershipTransfer } : {}),
      });
    }
    this.countVote(this.id, true);
  }

  private countVote(from: NodeId, granted: boolean): void {
    this.votes.set(from, granted);
    const result = voteResult(this.voters(), this.votes);
    if (result === "lost") this.becomeFollower(this.term, null);
    if (result !== "won") return;
    if (this.role === "pre-candidate") this.campaign("election", false);
    else this.becomeLeader();
  }

  private becomeLeader(): void {
    this.role = "leader";
    this.leaderId = this.id;
    // Winning a quorum's votes is contact with a quorum.
    this.contactTick = this.ticks;
    this.timeoutNowSent = false;
    this.votes.clear();
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    this.syncProgress();
    // §8 / thesis §6.4: a no-op of the new term lets earlier entries commit (§5.4.2)
    this.log.append(this.term, null);
    this.broadcastAppend();
  }

  private handleVoteRequest(m: VoteRequest): void {
    const preVote = m.type === "PreVote";
    // A learner votes too: a candidate asking for its vote counts it as promoted, which the
    // learner may not know yet, and without its vote no one may be elected (etcd raft, Step).
    const canVote =
      (m.leadershipTransfer === true || !this.inLeaderLease()) &&
      (preVote
        ? m.term > this.term
        : this.votedFor === m.from || (this.votedFor === null && this.leaderId === null)); // §5.2 one vote per term
    // §5.4.1 election restriction: only for a candidate whose log is at least as up-to-date
    const granted = canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (granted && !preVote) {
      this.votedFor = m.from;
      this.electionElapsed = 0;
    }
    this.send({
      type: preVote ? "PreVoteResponse" : "RequestVoteResponse",
      from: this.id,
      to: m.from,
      term: granted && preVote ? m.term : this.term,
      voteGranted: granted,
    });
  }

  /** §5.1: a request from an older term is refused with the current term, so its sender steps down. */
  private rejectStale(m: Message): void {
    if (m.type === "AppendEntries" || m.type === "InstallSnapshot") {
      const rejectedIndex = m.type === "AppendEntries" ? m.prevLogIndex : m.snapshot.index;
      this.send(this.appendResponse(m, { success: false, rejectedIndex, leaderTick: null }));
    } else if (m.type === "PreVote" || m.type === "RequestVote") {
      const type = m.type === "PreVote" ? "PreVoteResponse" : "RequestVoteResponse";
      this.send({ type, from: this.id, to: m.from, term: this.term, voteGranted: false });
    }
  }

  private handleAppendEntries(sent: AppendEntries): void {
    const m = this.skipCompacted(sent);
    // §5.3 receiver rule 2: reply false if the log has no entry at prevLogIndex of prevLogTerm
    if (!this.log.matchTerm(m.prevLogIndex, m.prevLogTerm)) {
      const conflictTerm = this.log.term(m.prevLogIndex) ?? null;
      const conflictIndex =
        conflictTerm === null ? this.log.lastIndex() + 1 : this.log.firstIndexOfTerm(m.prevLogIndex);
      this.send(this.appendResponse(m, { success: false, rejectedIndex: m.prevLogIndex, conflictTerm, conflictIndex }));
      return;
    }
    this.log.appendAfter(m.entries);
    const lastNewIndex = m.prevLogIndex + m.entries.length;
    // §5.3 receiver rule 5: commitIndex = min(leaderCommit, index of last new entry)
    this.commitIndex = Math.max(this.commitIndex, Math.min(m.leaderCommit, lastNewIndex));
    this.send(this.appendResponse(m, { success: true, matchIndex: lastNewIndex }));
  }

  /**
   * Entries up to the snapshot are committed, so they match the leader's
   * (§5.4.3 State Machine Safety): only the entries after it are checked.
   */
  private skipCompacted(m: AppendEntries): AppendEntries {
    const { index, term } = this.log.latestSnapshot();
    if (m.prevLogIndex >= index) return m;
    return { ...m, prevLogIndex: index, prevLogTerm: term, entries: m.entries.filter((entry) => entry.index > index) };
  }

  /** §7 InstallSnapshot receiver (Figure 13). */
  private handleInstallSnapshot(m: InstallSnapshot): void {
    const { snapshot } = m;
    if (snapshot.index <= this.commitIndex) {
      // Already committed here, so already in the leader's log too.
      this.send(this.appendResponse(m, { success: true, matchIndex: this.commitIndex }));
      return;
    }
    // Rule 6: a log that has the snapshot's last entry keeps what follows; the entries up to it are committed.
    if (!this.log.matchTerm(snapshot.index, snapshot.term)) {
      // Rules 7 and 8: discard the whole log; the driver persists the snapshot and loads it into its state machine.
      this.log.restore(snapshot);
      this.pendingSnapshot = this.pendingRestore = snapshot;
    }
    this.commitIndex = snapshot.index;
    this.send(this.appendResponse(m, { success: true, matchIndex: snapshot.index }));
  }

  /** The answer to m, echoing its leaderTick unless fields say otherwise. */
  private appendResponse(
    m: AppendEntries | InstallSnapshot,
    fields: Partial<AppendEntriesResponse>,
  ): AppendEntriesResponse {
    return {
      type: "AppendEntriesResponse",
      from: this.id,
      to: m.from,
      term: this.term,
      leaderTick: m.leaderTick,
      success: false,
      matchIndex: 0,
      rejectedIndex: 0,
      conflictTerm: null,
      conflictIndex: 0,
      ...fields,
    };
  }

  private handleAppendResponse(m: AppendEntriesResponse): void {
    const progress = this.progress.get(m.from);
    if (progress === undefined) return;
    progress.recentActive = true;
    // Any answer in this term to a message of this leader proves the follower heard it then (the lease).
    if (m.leaderTick !== null && m.leaderTick > progress.ackedTick) {
      progress.ackedTick = m.leaderTick;
      this.updateQuorumAckedTick();
    }
    if (m.success) {
      if (m.matchIndex <= progress.matchIndex) return;
      progress.matchIndex = m.matchIndex;
      progress.nextIndex = Math.max(progress.nextIndex, m.matchIndex + 1);
      progress.state = "replicate";
      this.maybeCommit();
      if (progress.nextIndex <= this.log.lastIndex()) this.sendAppend(progress);
      if (this.transferee === m.from && progress.matchIndex === this.log.lastIndex()) this.sendTimeoutNow(m.from);
      return;
    }
    // Stale: that prefix is already known to match, or this probe was answered already.
    if (m.rejectedIndex <= progress.matchIndex) return;
    if (progress.state === "probe" && m.rejectedIndex !== progress.nextIndex - 1) return;
    // §5.3 fast backtracking: skip the follower's whole conflicting term at once
    let hint = m.conflictIndex;
    if (m.conflictTerm !== null) {
      const lastOfTerm = this.log.lastIndexOfTerm(m.conflictTerm);
      if (lastOfTerm > 0) hint = lastOfTerm + 1;
    }
    progress.nextIndex = Math.max(progress.matchIndex + 1, Math.min(hint, m.rejectedIndex));
    progress.state = "probe";
    progress.probeSent = false;
    this.sendAppend(progress);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.timeoutNowSent = true;
    this.send({ type: "TimeoutNow", from: this.id, to, term: this.term });
  }

  /** §5.3/§5.4.2: commit the highest index stored on a majority, but only if it is of the current term. */
  private maybeCommit(): void {
    // A leader removing itself replicates but does not count itself (thesis §4.2.2).
    const index = reachedByQuorum(this.voters(), (id) =>
      id === this.id ? this.log.persisted() : (this.progress.get(id)?.matchIndex ?? 0),
    );
    if (index <= this.commitIndex || this.log.term(index) !== this.term) return;
    this.commitIndex = index;
    this.broadcastAppend(); // followers learn the new commit index from leaderCommit
    // Thesis §4.2.2: a leader removed from the configuration steps down once that configuration is committed.
    if (!this.isVoter() && this.log.configIndex() <= this.commitIndex) this.becomeFollower(this.term, null);
  }

  /** Heartbeats (§5.2) also resend what a probing follower may have lost. */
  private broadcastAppend(heartbeat = false): void {
    for (const progress of this.progress.values()) this.sendAppend(progress, heartbeat);
  }

  private sendAppend(progress: Progress, heartbeat = false): void {
    if (progress.state === "probe" && progress.probeSent && !heartbeat) return;
    if (progress.nextIndex < this.log.firstIndex()) {
      this.sendSnapshot(progress);
      return;
    }
    const prevLogIndex = progress.nextIndex - 1;
    const entries = this.log.sliceWithin(progress.nextIndex, this.config.maxAppendBytes ?? Infinity);
    this.send({
      type: "AppendEntries",
      from: this.id,
      to: progress.id,
      term: this.term,
      prevLogIndex,
      prevLogTerm: this.log.term(prevLogIndex)!,
      entries,
      leaderCommit: this.commitIndex,
      leaderTick: this.ticks,
    });
    if (progress.state === "replicate") progress.nextIndex += entries.length;
    else progress.probeSent = true;
  }

  /**
   * §7: the leader has discarded the entries this follower needs, so it sends
   * its snapshot. The follower is then probed at the index after it: a lost
   * snapshot shows as a rejected heartbeat, which sends it again.
   */
  private sendSnapshot(progress: Progress): void {
    const snapshot = this.log.latestSnapshot();
    this.send({ type: "InstallSnapshot", from: this.id, to: progress.id, term: this.term, snapshot, leaderTick: this.ticks });
    progress.state = "probe";
    progress.probeSent = true;
    progress.nextIndex = snapshot.index + 1;
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commit === b.commit;
}
