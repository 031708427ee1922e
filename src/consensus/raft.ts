import type { Random } from "../host/random.js";
import { AlkorError } from "../model/errors.js";
import { RaftLog } from "./log.js";
import { newProgress, type Progress } from "./progress.js";
import { majorityMatchIndex, quorumSize, voteResult } from "./quorum.js";
import type {
  AppendEntries,
  AppendEntriesResponse,
  Entry,
  HardState,
  Message,
  NodeId,
  PersistentState,
  Ready,
  Role,
  VoteRequest,
} from "./types.js";

export interface RaftConfig {
  readonly id: NodeId;
  /** The fixed voter set, this node included if it may become leader. */
  readonly voters: readonly NodeId[];
  /** Election timeout in ticks; each timeout is drawn from [electionTicks, 2 × electionTicks) (§5.2). */
  readonly electionTicks: number;
  /** Ticks between a leader's heartbeats; well below electionTicks (§5.6). */
  readonly heartbeatTicks: number;
  readonly randomInt: Random["int"];
  /** Default true: campaign only after a PreVote round shows a majority would vote (thesis §9.6). */
  readonly preVote?: boolean;
  /** Default true: a leader that has not heard from a majority within an election timeout steps down (thesis §6.2). */
  readonly checkQuorum?: boolean;
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
}

/**
 * One Raft server as a deterministic state machine: tick(), step() and
 * propose() change it; ready() says what to persist, send and apply.
 */
export class RaftNode {
  readonly id: NodeId;
  private readonly voters: readonly NodeId[];
  private readonly config: RaftConfig;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly log: RaftLog;

  private term: number;
  private votedFor: NodeId | null;
  private commitIndex: number;
  private applied: number;
  private role: Role = "follower";
  private leaderId: NodeId | null = null;

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

  constructor(config: RaftConfig) {
    this.config = config;
    this.id = config.id;
    this.voters = [...config.voters];
    this.preVote = config.preVote ?? true;
    this.checkQuorum = config.checkQuorum ?? true;
    const hardState = config.restored?.hardState ?? { term: 0, votedFor: null, commit: 0 };
    this.log = new RaftLog(config.restored?.entries ?? []);
    this.term = hardState.term;
    this.votedFor = hardState.votedFor;
    this.commitIndex = hardState.commit;
    this.applied = config.applied ?? 0;
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
    };
  }

  /** One unit of logical time. */
  tick(): void {
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
   * Thesis §3.10 leadership transfer: bring the target's log up to date, then
   * send it TimeoutNow. Abandoned if it has not happened within an election timeout.
   */
  transferLeadership(to: NodeId): void {
    const progress = this.progress.get(to);
    if (this.role !== "leader" || progress === undefined) return;
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
      if (!preVoteTerm) this.becomeFollower(m.term, m.type === "AppendEntries" ? m.from : null);
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
        if (this.role === "leader") return; // §5.2: at most one leader per term, so this cannot be current
        // §5.2: a candidate that hears from the leader of its term returns to follower
        if (this.role !== "follower") this.becomeFollower(this.term, m.from);
        this.leaderId = m.from;
        this.electionElapsed = 0;
        this.handleAppendEntries(m);
        break;
      case "AppendEntriesResponse":
        if (this.role === "leader") this.handleAppendResponse(m);
        break;
      case "TimeoutNow":
        // Thesis §3.10: the transfer target campaigns at once, skipping PreVote and the lease.
        if (this.isVoter() && this.role !== "leader") this.campaign("election", true);
        break;
    }
  }

  /** Whether ready() has work; never while the last ready() awaits advance(). */
  hasReady(): boolean {
    if (this.pendingApplied !== null) return false;
    return (
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
    return {
      persist: { ...(changed ? { hardState } : {}), ...this.log.takeUnstable() },
      messages,
      committed: this.log.slice(this.applied + 1, this.commitIndex),
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

  private isVoter(): boolean {
    return this.voters.includes(this.id);
  }

  private peers(): NodeId[] {
    return this.voters.filter((id) => id !== this.id);
  }

  private send(m: Message): void {
    this.outbox.push(m);
  }

  private inLeaderLease(): boolean {
    return this.checkQuorum && this.leaderId !== null && this.electionElapsed < this.config.electionTicks;
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
      // Thesis §6.2 CheckQuorum: a leader cut off from a majority steps down
      if (this.checkQuorum && !this.quorumActive()) {
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
    let active = 1;
    for (const progress of this.progress.values()) {
      if (progress.recentActive) active++;
      progress.recentActive = false;
    }
    return active >= quorumSize(this.voters);
  }

  private becomeFollower(term: number, leaderId: NodeId | null): void {
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
    const result = voteResult(this.voters, this.votes);
    if (result === "lost") this.becomeFollower(this.term, null);
    if (result !== "won") return;
    if (this.role === "pre-candidate") this.campaign("election", false);
    else this.becomeLeader();
  }

  private becomeLeader(): void {
    this.role = "leader";
    this.leaderId = this.id;
    this.votes.clear();
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    for (const id of this.peers()) this.progress.set(id, newProgress(id, this.log.lastIndex()));
    // §8 / thesis §6.4: a no-op of the new term lets earlier entries commit (§5.4.2)
    this.log.append(this.term, null);
    this.broadcastAppend();
  }

  private handleVoteRequest(m: VoteRequest): void {
    const preVote = m.type === "PreVote";
    const canVote = preVote
      ? m.term > this.term
      : this.votedFor === m.from || (this.votedFor === null && this.leaderId === null); // §5.2 one vote per term
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
    if (m.type === "AppendEntries") {
      this.send(this.appendResponse(m.from, { success: false, rejectedIndex: m.prevLogIndex }));
    } else if (m.type === "PreVote" || m.type === "RequestVote") {
      const type = m.type === "PreVote" ? "PreVoteResponse" : "RequestVoteResponse";
      this.send({ type, from: this.id, to: m.from, term: this.term, voteGranted: false });
    }
  }

  private handleAppendEntries(m: AppendEntries): void {
    // §5.3 receiver rule 2: reply false if the log has no entry at prevLogIndex of prevLogTerm
    if (!this.log.matchTerm(m.prevLogIndex, m.prevLogTerm)) {
      const conflictTerm = this.log.term(m.prevLogIndex) ?? null;
      const conflictIndex =
        conflictTerm === null ? this.log.lastIndex() + 1 : this.log.firstIndexOfTerm(m.prevLogIndex);
      this.send(
        this.appendResponse(m.from, { success: false, rejectedIndex: m.prevLogIndex, conflictTerm, conflictIndex }),
      );
      return;
    }
    this.log.appendAfter(m.entries);
    const lastNewIndex = m.prevLogIndex + m.entries.length;
    // §5.3 receiver rule 5: commitIndex = min(leaderCommit, index of last new entry)
    this.commitIndex = Math.max(this.commitIndex, Math.min(m.leaderCommit, lastNewIndex));
    this.send(this.appendResponse(m.from, { success: true, matchIndex: lastNewIndex }));
  }

  private appendResponse(to: NodeId, fields: Partial<AppendEntriesResponse>): AppendEntriesResponse {
    return {
      type: "AppendEntriesResponse",
      from: this.id,
      to,
      term: this.term,
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
    this.send({ type: "TimeoutNow", from: this.id, to, term: this.term });
  }

  /** §5.3/§5.4.2: commit the highest index stored on a majority, but only if it is of the current term. */
  private maybeCommit(): void {
    const index = majorityMatchIndex(this.voters, (id) =>
      id === this.id ? this.log.persisted() : (this.progress.get(id)?.matchIndex ?? 0),
    );
    if (index <= this.commitIndex || this.log.term(index) !== this.term) return;
    this.commitIndex = index;
    this.broadcastAppend(); // followers learn the new commit index from leaderCommit
  }

  /** Heartbeats (§5.2) also resend what a probing follower may have lost. */
  private broadcastAppend(heartbeat = false): void {
    for (const progress of this.progress.values()) this.sendAppend(progress, heartbeat);
  }

  private sendAppend(progress: Progress, heartbeat = false): void {
    if (progress.state === "probe" && progress.probeSent && !heartbeat) return;
    const prevLogIndex = progress.nextIndex - 1;
    const entries = this.log.slice(progress.nextIndex);
    this.send({
      type: "AppendEntries",
      from: this.id,
      to: progress.id,
      term: this.term,
      prevLogIndex,
      prevLogTerm: this.log.term(prevLogIndex)!,
      entries,
      leaderCommit: this.commitIndex,
    });
    if (progress.state === "replicate") progress.nextIndex += entries.length;
    else progress.probeSent = true;
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commit === b.commit;
}
