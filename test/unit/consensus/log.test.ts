import test from "ava";
import { RaftLog } from "../../../src/consensus/log.js";
import type { Entry } from "../../../src/consensus/types.js";

function entries(terms: number[], from = 1): Entry[] {
  return terms.map((term, i) => ({ term, index: from + i, data: null }));
}

test("entries that already match are kept, so a stale message cannot truncate newer ones", (t) => {
  const log = new RaftLog(entries([1, 1, 2, 2]));
  log.appendAfter(entries([1, 2], 2));
  t.is(log.lastIndex(), 4);
  t.false(log.hasUnstable());
});

test("a conflicting suffix is replaced and the driver is told to truncate what it holds", (t) => {
  const log = new RaftLog(entries([1, 1, 2, 2]));
  log.appendAfter(entries([1, 3], 2));
  t.is(log.lastIndex(), 3);
  t.deepEqual(log.takeUnstable(), { truncateFrom: 3, entries: entries([3], 3) });
  t.false(log.hasUnstable());
});

test("a truncation after entries were handed out but before they were persisted does not count them as durable", (t) => {
  const log = new RaftLog(entries([1]));
  log.appendAfter(entries([2, 2], 2));
  t.deepEqual(log.takeUnstable(), { entries: entries([2, 2], 2) });
  log.appendAfter(entries([3], 3));
  log.markPersisted();
  t.is(log.persisted(), 2);
  t.deepEqual(log.takeUnstable(), { truncateFrom: 3, entries: entries([3], 3) });
});

test("the conflict hint points at the first index of the conflicting term", (t) => {
  const log = new RaftLog(entries([1, 1, 1, 2, 2, 2, 3, 3]));
  t.is(log.firstIndexOfTerm(6), 4);
  t.is(log.lastIndexOfTerm(2), 6);
  t.is(log.lastIndexOfTerm(4), 0);
});

test("a log is more up-to-date by its last term first, then by its length (§5.4.1)", (t) => {
  const log = new RaftLog(entries([1, 2, 2]));
  t.true(log.isUpToDate(1, 3));
  t.true(log.isUpToDate(3, 2));
  t.false(log.isUpToDate(2, 2));
  t.false(log.isUpToDate(9, 1));
});

test("compaction keeps the last index and term of the snapshot for the consistency check (§7)", (t) => {
  const log = new RaftLog(entries([1, 1, 2, 2, 3]), undefined, { voters: ["n1"], learners: [] });
  const snapshot = log.compact(3, "state");
  t.like(snapshot, { index: 3, term: 2, voters: ["n1"], learners: [], data: "state" });
  t.is(log.term(3), 2);
  t.is(log.term(2), undefined);
  t.true(log.matchTerm(3, 2));
  t.is(log.lastIndex(), 5);
  t.deepEqual(log.slice(4), entries([2, 3], 4));
  log.appendAfter(entries([2, 4], 4));
  t.is(log.lastTerm(), 4);
});

test("a log restored from a snapshot starts after it and takes its configuration", (t) => {
  const snapshot = { index: 4, term: 2, voters: ["n1", "n2"], learners: ["n3"], data: null };
  const log = new RaftLog(entries([2, 3], 5), snapshot, { voters: ["n9"], learners: [] });
  t.is(log.firstIndex(), 5);
  t.is(log.lastIndex(), 6);
  t.is(log.term(4), 2);
  t.deepEqual(log.configuration(), { voters: ["n1", "n2"], learners: ["n3"] });
  t.false(log.hasUnstable());
});

test("the configuration follows the latest configuration entry and reverts when it is truncated (thesis §4.1)", (t) => {
  const log = new RaftLog(entries([1]), undefined, { voters: ["n1"], learners: [] });
  log.appendConfig(1, { type: "add-voter", node: "n2" }, { voters: ["n1", "n2"], learners: [] });
  t.deepEqual(log.configuration(), { voters: ["n1", "n2"], learners: [] });
  t.is(log.configIndex(), 2);
  log.appendAfter(entries([2], 2));
  t.deepEqual(log.configuration(), { voters: ["n1"], learners: [] });
  t.is(log.configIndex(), 0);
});
