import test from "ava";
import { RaftNode } from "../../../src/consensus/raft.js";
import type { Message } from "../../../src/consensus/types.js";
import { RaftMessageSchema } from "../../../src/transport/raft-message.js";

/** Every message two real Raft nodes exchange while electing, replicating, compacting and handing over. */
function exchangedMessages(): Message[] {
  const ids = ["a", "b"];
  const nodes = new Map(ids.map((id) => [id, new RaftNode({ id, voters: ids, electionTicks: 5, heartbeatTicks: 1, randomInt: (min) => min + (id === "a" ? 0 : 3) })]));
  const seen: Message[] = [];
  const pump = (): void => {
    for (let round = 0; round < 20; round++) {
      const outbox: Message[] = [];
      for (const node of nodes.values()) {
        if (!node.hasReady()) continue;
        outbox.push(...node.ready().messages);
        node.advance();
      }
      if (outbox.length === 0) return;
      seen.push(...outbox);
      for (const message of outbox) nodes.get(message.to)!.step(message);
    }
  };
  for (let tick = 0; tick < 12; tick++) {
    for (const node of nodes.values()) node.tick();
    pump();
  }
  const leader = [...nodes.values()].find((node) => node.status().role === "leader")!;
  leader.propose({ change: 1 });
  pump();
  leader.transferLeadership(ids.find((id) => id !== leader.id)!);
  pump();
  return seen;
}

test("every kind of Raft message crosses the wire schema unchanged: no field the core relies on is stripped", (t) => {
  const messages = exchangedMessages();
  const kinds = new Set(messages.map((message) => message.type));
  for (const kind of ["PreVote", "PreVoteResponse", "RequestVote", "RequestVoteResponse", "AppendEntries", "AppendEntriesResponse", "TimeoutNow"]) {
    t.true(kinds.has(kind as Message["type"]), `no ${kind} was exchanged`);
  }
  for (const message of messages) {
    t.deepEqual(RaftMessageSchema.parse(JSON.parse(JSON.stringify(message))), message, message.type);
  }
  const snapshot = { type: "InstallSnapshot", from: "a", to: "b", term: 2, leaderTick: 7, snapshot: { index: 3, term: 2, voters: ["a", "b"], learners: [], data: { x: 1 } } };
  t.deepEqual(RaftMessageSchema.parse(snapshot), snapshot);
});

test("a malformed Raft message is refused with the field named", (t) => {
  const result = RaftMessageSchema.safeParse({ type: "AppendEntries", from: "a", to: "b", term: -1 });
  t.false(result.success);
  t.regex(JSON.stringify(result.error?.issues), /term/);
});
