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
