/** Raft's vocabulary (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", and Ongaro's thesis). */

export type NodeId = string;

export type Role = "follower" | "pre-candidate" | "candidate" | "leader";

export interface Entry {
  readonly term: number;
  readonly index: number;
  /** null for the no-op a new leader appends (§8). */
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
  readonly entries: readonly Entry[];
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
}

/** Leadership transfer (thesis §3.10): the target starts an election at once. */
export interface TimeoutNow extends Envelope {
  readonly type: "TimeoutNow";
}

export type Message = VoteRequest | VoteResponse | AppendEntries | AppendEntriesResponse | TimeoutNow;

/**
 * Work for the driver, in this order: make `persist` durable (truncate the log
 * from `truncateFrom`, append `entries`, write `hardState`), then send
 * `messages`, then apply `committed`, then call advance().
 */
export interface Ready {
  readonly persist: {
    readonly hardState?: HardState;
    readonly truncateFrom?: number;
    readonly entries: readonly Entry[];
  };
  readonly messages: readonly Message[];
  readonly committed: readonly Entry[];
}
