import test from "ava";
import { DropLog } from "../../../src/transport/drop-log.js";
import { memoryLogger } from "../../helpers/log.js";
import { ManualClock } from "../../helpers/manual-clock.js";

test("a flood of drops logs the first at once and then one line per window with the count suppressed", (t) => {
  const { log, events } = memoryLogger();
  const clock = new ManualClock();
  const drops = new DropLog(log, clock, 10_000);
  for (let i = 0; i < 1000; i += 1) drops.drop("payload:status", { i }, "A status message was dropped.");
  t.is(events.length, 1);
  t.like(events[0], { drop: "payload:status", suppressedSinceLast: 0, msg: "A status message was dropped." });
  clock.advance(10_000);
  drops.drop("payload:status", {}, "A status message was dropped.");
  t.is(events.length, 2);
  t.like(events[1], { suppressedSinceLast: 999 });
});

test("drops of different kinds are limited separately", (t) => {
  const { log, events } = memoryLogger();
  const drops = new DropLog(log, new ManualClock());
  drops.drop("a", {}, "a");
  drops.drop("b", {}, "b");
  drops.drop("a", {}, "a");
  t.deepEqual(events.map((event) => event.msg), ["a", "b"]);
});
