import type { NodeId } from "./types.js";

/** What a leader knows about one follower (Figure 2, "Volatile state on leaders"). */
export interface Progress {
  readonly id: NodeId;
  /** Highest index known to be replicated on the follower. */
  matchIndex: number;
  /** Index of the next entry to send. */
  nextIndex: number;
  /**
   * "probe" until the follower's log is known to match at nextIndex - 1: one
   * AppendEntries per heartbeat, so backtracking costs one round trip per step.
   * "replicate" after: entries are streamed and nextIndex moves ahead as they are sent.
   */
  state: "probe" | "replicate";
  /** In probe state, an AppendEntries is outstanding. */
  probeSent: boolean;
  /** Heard from within the current election timeout (CheckQuorum, thesis §6.2). */
  recentActive: boolean;
  /** The leader's tick when it sent the latest message this follower acknowledged in this term; -Infinity before any. */
  ackedTick: number;
}

export function newProgress(id: NodeId, lastIndex: number): Progress {
  return {
    id,
    matchIndex: 0,
    nextIndex: lastIndex + 1,
    state: "probe",
    probeSent: false,
    recentActive: false,
    ackedTick: -Infinity,
  };
}
