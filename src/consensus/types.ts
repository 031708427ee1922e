/** Raft's vocabulary (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", and Ongaro's thesis). */

export type NodeId = string;

export type Role = "follower" | "pre-candidate" | "candidate" | "leader";

export interface Entry {
  readonly term: number;
  readonly index: number;
  /** null for the no-op a new leader appends (§8) and for configuration entries. */
  readonly data: unknown;
  /** Set on a configuration entry (thesis §4.1): the change and the whole configuration it results in. */
  readonly config?: ConfigEntry;
}

/** Thesis §4.1-4.3: one server at a time; a learner is a non-voting member catching up (§4.2.1). */
export type ConfChangeType = "add-voter" | "remove-voter" | "add-learner" | "promote-learner" | "remove-learner";

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly node: NodeId;
}

/** The members of the cluster: voters form quorums, learners only receive the log. */
export interface Configuration {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface ConfigEntry extends Configuration {
  readonly change: ConfChange;
}

/** §7 (thesis §5.1): the state machine up to index, with the term and configuration of that entry. */
export interface Snapshot extends Configuration {
  readonly index: number;
  readonly term: number;
  /** The driver's state machine, opaque to Raft. */
  readonly data: unknown;
}

/** What must be durable before any message that depends on it leaves the node (Figure 2, "Persistent state"). */
export interface HardState {
  readonly term: number;
  readonly votedFor: NodeId | null;
  /** Not required for safety; kept so a restarted node need not wait for the leader to learn it again. */
  readonly commit: number;
}

/** A node's durable state, as the driver has written it. */
export interface PersistentState {
  readonly hardState: HardState;
  /** The entries after the snapshot's index (all entries when there is no snapshot). */
  readonly entries: readonly Entry[];
  /** The latest snapshot the driver persisted, if any. */
  readonly snapshot?: Snapshot;
}

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** §5.2 RequestVote RPC; also the PreVote request (thesis §9.6), sent for term + 1 without changing term. */
export interface VoteRequest extends Envelope {
  readonly type: "RequestVote" | "PreVote";
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Set when campaigning on TimeoutNow: receivers skip the leader lease (thesis §4.2.3). */
  readonly leadershipTransfer?: boolean;
}

export interface VoteResponse extends Envelope {
  readonly type: "RequestVoteResponse" | "PreVoteResponse";
  readonly voteGranted: boolean;
}

/** §5.3 AppendEntries RPC; with no entries it is the heartbeat (§5.2). */
export interface AppendEntries extends Envelope {
  readonly type: "AppendEntries";
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
  /** The leader's tick counter when it sent this; the response echoes it (see AppendEntriesResponse). */
  readonly leaderTick: number;
}

export interface AppendEntriesResponse extends Envelope {
  readonly type: "AppendEntriesResponse";
  readonly success: boolean;
  /** On success, the last index known to match the leader's log. */
  readonly matchIndex: number;
  /** On rejection, the prevLogIndex that was rejected, so stale rejections can be ignored. */
  readonly rejectedIndex: number;
  /** On rejection, the follower's term at rejectedIndex (null if it has no such entry) and the first index of that term (§5.3, fast backtracking). */
  readonly conflictTerm: number | null;
  readonly conflictIndex: number;
  /**
   * The leaderTick of the message answered, so the leader times its lease from
   * when it sent that message, not from when this answer arrived: a delayed
   * answer cannot stretch the lease (thesis §6.4.1). Null in the refusal of a
   * message from an older term, which acknowledges no leader of this one.
   */
  readonly leaderTick: number | null;
}

/** Leadership transfer (thesis §3.10): the target starts an election at once. */
export interface TimeoutNow extends Envelope {
  readonly type: "TimeoutNow";
}

/**
 * §7 InstallSnapshot RPC (Figure 13), the whole snapshot in one message. The
 * follower answers with an AppendEntriesResponse whose matchIndex is the snapshot's index.
 */
export interface InstallSnapshot extends Envelope {
  readonly type: "InstallSnapshot";
  readonly snapshot: Snapshot;
  /** As in AppendEntries. */
  readonly leaderTick: number;
}

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendEntries
  | AppendEntriesResponse
  | TimeoutNow
  | InstallSnapshot;

/**
 * Work for the driver, in this order: make `persist` durable (write `snapshot`
 * and drop the log entries up to its index, truncate the log from
 * `truncateFrom`, append `entries`, write `hardState`), then send `messages`,
 * then replace the state machine with `restore`, then apply `committed`, then
 * call advance().
 */
export interface Ready {
  readonly persist: {
    readonly snapshot?: Snapshot;
    readonly hardState?: HardState;
    readonly truncateFrom?: number;
    readonly entries: readonly Entry[];
  };
  readonly messages: readonly Message[];
  /** A snapshot received from the leader: the state machine becomes its data. */
  readonly restore?: Snapshot;
  readonly committed: readonly Entry[];
}
