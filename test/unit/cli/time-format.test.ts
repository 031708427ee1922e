import test from "ava";
import { ctimeText, timestampText } from "../../../src/cli/time-format.js";

// The commands print local time, as Ganeti's do; this worker runs in UTC so the expectations hold on any machine.
process.env.TZ = "UTC";

test("prints an instant as Python's time.ctime does, the day of the month padded with a space", (t) => {
  t.is(ctimeText(Date.UTC(2026, 10, 24, 14, 0, 1)), "Tue Nov 24 14:00:01 2026");
  t.is(ctimeText(Date.UTC(2011, 9, 7, 16, 21, 2)), "Fri Oct  7 16:21:02 2011");
  t.is(ctimeText(Date.UTC(2009, 9, 25, 23, 8, 58, 999)), "Sun Oct 25 23:08:58 2009");
});

test("prints Ganeti's FormatTime, with microseconds when asked", (t) => {
  const at = Date.UTC(2026, 0, 5, 9, 3, 7, 250);
  t.is(timestampText(at), "2026-01-05 09:03:07");
  t.is(timestampText(at, true), "2026-01-05 09:03:07.250000");
});

test("follows the local time zone", (t) => {
  process.env.TZ = "Europe/Moscow";
  t.teardown(() => {
    process.env.TZ = "UTC";
  });
  t.is(ctimeText(Date.UTC(2026, 10, 24, 14, 0, 1)), "Tue Nov 24 17:00:01 2026");
});
