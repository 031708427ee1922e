import test from "ava";
import type { PersistentState } from "../../src/consensus/index.js";
import type { Recovery } from "./server.js";
import { Simulation, SimulationFailure } from "./simulation.js";

/** Seeds to search for a run that exposes a broken node; the bugs below show up within the first few dozen. */
const searchLimit = 2000;

/** The first failing run of a broken recovery, and the seed it failed with. */
function firstFailure(recover: Recovery): SimulationFailure | undefined {
  for (let seed = 1; seed <= searchLimit; seed++) {
    try {
      new Simulation({ seed, recover }).run();
    } catch (error) {
      if (error instanceof SimulationFailure) return error;
      throw error;
    }
  }
  return undefined;
}

const forgetVote: Recovery = (state) => ({ ...state, hardState: { ...state.hardState, votedFor: null } });

const loseLastEntry: Recovery = (state: PersistentState) => {
  const entries = state.entries.slice(0, -1);
  return { entries, hardState: { ...state.hardState, commit: Math.min(state.hardState.commit, entries.length) } };
};

test("a node that forgets its vote on restart is caught electing two leaders in one term", (t) => {
  const failure = firstFailure(forgetVote);
  t.is(failure?.violation.invariant, "election safety", failure?.message);
});

test("a node that loses its last durable entry on restart is caught losing a committed entry", (t) => {
  const failure = firstFailure(loseLastEntry);
  t.true(["leader completeness", "committed entry lost", "state machine safety"].includes(failure?.violation.invariant ?? ""), failure?.message);
});

test("a failing seed replays to the same step and message", (t) => {
  const failure = firstFailure(forgetVote)!;
  const replay = t.throws(() => new Simulation({ seed: failure.seed, recover: forgetVote }).run(), { instanceOf: SimulationFailure });
  t.is(replay?.message, failure.message);
});
