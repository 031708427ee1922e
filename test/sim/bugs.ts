import type { Message, PersistentState, RaftNode } from "../../src/consensus/index.js";

/**
 * Deliberate driver bugs, to show that the checker catches what they break
 * (checker.test.ts); a faithful run has none.
 */
export interface DriverBugs {
  /** How a restarting server reads its disk, instead of as written. */
  readonly recover?: (state: PersistentState) => PersistentState;
  /** An answer the driver forges to a message its node sends, and steps into its own node. */
  readonly forge?: (sent: Message) => Message | null;
  /** The index a leader serves a read at, instead of readIndex(). */
  readonly readIndex?: (node: RaftNode) => number | null;
}
