import test from "ava";
import { EventQueue } from "../../sim/events.js";

test("events run in time order, ties in the order they were scheduled, and the clock follows them", (t) => {
  const queue = new EventQueue<string>();
  queue.schedule(5, "late");
  queue.schedule(1, "first tie");
  queue.schedule(1, "second tie");
  queue.schedule(0, "now");
  const order: [string, number][] = [];
  for (let event = queue.pop(); event !== undefined; event = queue.pop()) order.push([event, queue.now]);
  t.deepEqual(order, [
    ["now", 0],
    ["first tie", 1],
    ["second tie", 1],
    ["late", 5],
  ]);
});

test("an event scheduled while running is timed from the current clock", (t) => {
  const queue = new EventQueue<string>();
  queue.schedule(3, "a");
  queue.pop();
  queue.schedule(2, "b");
  queue.pop();
  t.is(queue.now, 5);
});
