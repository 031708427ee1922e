import test from "ava";
import type { AppendEntries, AppendEntriesResponse, Message, PersistentState } from "../../src/consensus/index.js";
import type { DriverBugs } from "./bugs.js";
import { Simulation, SimulationFailure } from "./simulation.js";

/** Seeds to search for a run that exposes a broken node; the bugs below show up within the first few dozen. */
const searchLimit = 2000;

/** The first failing run with the given bugs, and the seed it failed with. */
function firstFailure(bugs: DriverBugs): SimulationFailure | undefined {
  for (let seed = 1; seed <= searchLimit; seed++) {
    try {
      new Simulation({ seed, bugs }).run();
    } catch (error) {
      if (error instanceof SimulationFailure) return error;
      throw error;
    }
  }
  return undefined;
}

const forgetVote: DriverBugs = {
  recover: (state) => ({ ...state, hardState: { ...state.hardState, votedFor: null } }),
};

const loseLastEntry: DriverBugs = {
  recover: (state: PersistentState) => {
    const entries = state.entries.slice(0, -1);
    const lastIndex = (state.snapshot?.index ?? 0) + entries.length;
    return { ...state, entries, hardState: { ...state.hardState, commit: Math.min(state.hardState.commit, lastIndex) } };
  },
};

/** The follower's answer to m, made up by the leader's driver without asking the follower. */
function forgedAnswer(m: AppendEntries, fields: Partial<AppendEntriesResponse>): AppendEntriesResponse {
  return {
    type: "AppendEntriesResponse",
    from: m.to,
    to: m.from,
    term: m.term,
    success: false,
    matchIndex: 0,
    rejectedIndex: 0,
    conflictTerm: null,
    conflictIndex: 0,
    leaderTick: null,
    ...fields,
  };
}

/** The driver acknowledges new entries on the followers' behalf, so the leader commits without a majority. */
const commitWithoutMajority: DriverBugs = {
  forge: (m: Message) =>
    m.type === "AppendEntries" && m.entries.length > 0
      ? forgedAnswer(m, { success: true, matchIndex: m.prevLogIndex + m.entries.length })
      : null,
};

/**
 * The driver answers heartbeats on the followers' behalf (with an answer that
 * changes nothing but the lease), so a cut-off leader keeps a lease no quorum gave it.
 */
const phantomHeartbeatAnswers: DriverBugs = {
  forge: (m: Message) =>
    m.type === "AppendEntries" && m.entries.length === 0 ? forgedAnswer(m, { leaderTick: m.leaderTick }) : null,
};

/** The driver serves reads on whichever node believes it leads, at its commit index, without the lease. */
const readWithoutLease: DriverBugs = {
  readIndex: (node) => (node.status().role === "leader" ? node.status().commitIndex : null),
};

test("a node that forgets its vote on restart is caught electing two leaders in one term", (t) => {
  const failure = firstFailure(forgetVote);
  t.is(failure?.violation.invariant, "election safety", failure?.message);
});

test("a node that loses its last durable entry on restart is caught losing a committed entry", (t) => {
  const failure = firstFailure(loseLastEntry);
  t.true(["leader completeness", "committed entry lost", "state machine safety"].includes(failure?.violation.invariant ?? ""), failure?.message);
});

test("a leader that commits without a majority is caught losing a committed entry", (t) => {
  const failure = firstFailure(commitWithoutMajority);
  t.true(
    ["leader completeness", "committed entry lost", "state machine safety", "linearizability"].includes(failure?.violation.invariant ?? ""),
    failure?.message,
  );
});

test("a leader that keeps a lease no quorum acknowledged is caught holding it beside the next leader", (t) => {
  const failure = firstFailure(phantomHeartbeatAnswers);
  t.is(failure?.violation.invariant, "lease", failure?.message);
});

test("reads served without the lease are caught returning stale values", (t) => {
  const failure = firstFailure(readWithoutLease);
  t.is(failure?.violation.invariant, "linearizability", failure?.message);
  t.regex(failure?.message ?? "", /read \d+ of/);
});

test("a failing seed replays to the same step and message", (t) => {
  const failure = firstFailure(forgetVote)!;
  const replay = t.throws(() => new Simulation({ seed: failure.seed, bugs: forgetVote }).run(), { instanceOf: SimulationFailure });
  t.is(replay?.message, failure.message);
});
