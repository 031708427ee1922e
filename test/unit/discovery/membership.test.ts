import test from "ava";
import { MembershipTable } from "../../../src/discovery/membership.js";
import type { AnnouncePayload } from "../../../src/transport/topics.js";
import { ManualClock } from "../../helpers/manual-clock.js";

const selfUuid = "00000000-0000-4000-8000-000000000000";
const timeouts = { suspectAfterMs: 3000, deadAfterMs: 10_000 };

function announce(name: string, uuid: string): AnnouncePayload {
  return {
    clusterId: "c1",
    uuid,
    name,
    version: "0.1.0",
    address: "127.0.0.2",
    brokerPort: 1883,
    hardware: {
      manufacturer: "", model: "", serial: "", cpuModel: "", cpuCores: 2, cpuThreads: 2,
      memoryBytes: 1, diskCount: 0, diskBytes: 0, nicCount: 1, profile: "generic",
    },
    cluster: null,
    formation: null,
  };
}

function heartbeat(uuid: string) {
  return { uuid, incarnation: uuid, seq: 1, memoryFreeBytes: 1, diskTotalBytes: 2, diskFreeBytes: 1 };
}

const a = "00000000-0000-4000-8000-00000000000a";
const b = "00000000-0000-4000-8000-00000000000b";

test("a node announced but never heard is suspect, then dead", (t) => {
  const clock = new ManualClock();
  const table = new MembershipTable(selfUuid, timeouts, clock);
  t.is(table.observeAnnounce(announce("n1", a)), "new");
  t.is(table.liveness(table.findByName("n1")!), "suspect");
  clock.advance(10_000);
  t.is(table.liveness(table.findByName("n1")!), "dead");
});

test("heartbeats keep a node alive; silence makes it suspect, then dead", (t) => {
  const clock = new ManualClock();
  const table = new MembershipTable(selfUuid, timeouts, clock);
  table.observeAnnounce(announce("n1", a));
  t.true(table.observeHeartbeat(heartbeat(a)));
  const member = table.findByName("n1")!;
  t.is(table.liveness(member), "alive");
  clock.advance(2999);
  t.is(table.liveness(member), "alive");
  clock.advance(1);
  t.is(table.liveness(member), "suspect");
  clock.advance(7000);
  t.is(table.liveness(member), "dead");
  table.observeHeartbeat(heartbeat(a));
  t.is(table.liveness(member), "alive");
});

test("a heartbeat from an unannounced node is not recorded", (t) => {
  const table = new MembershipTable(selfUuid, timeouts, new ManualClock());
  t.false(table.observeHeartbeat(heartbeat(a)));
  t.is(table.members().length, 0);
});

test("the last will makes a live node suspect until it is heard again, never dead", (t) => {
  const clock = new ManualClock();
  const table = new MembershipTable(selfUuid, timeouts, clock);
  table.observeAnnounce(announce("n1", a));
  table.observeHeartbeat(heartbeat(a));
  table.observeOffline(a);
  const member = table.findByName("n1")!;
  t.is(table.liveness(member), "suspect");
  clock.advance(100);
  table.observeHeartbeat(heartbeat(a));
  t.is(table.liveness(member), "alive");
});

test("a second live node claiming a taken name is refused, a dead holder is replaced", (t) => {
  const clock = new ManualClock();
  const table = new MembershipTable(selfUuid, timeouts, clock);
  table.observeAnnounce(announce("n1", a));
  table.observeHeartbeat(heartbeat(a));
  t.is(table.observeAnnounce(announce("n1", b)), "conflict");
  t.is(table.findByName("n1")!.announce.uuid, a);
  clock.advance(10_000);
  t.is(table.observeAnnounce(announce("n1", b)), "new");
  t.is(table.findByName("n1")!.announce.uuid, b);
  t.is(table.members().length, 1);
});

test("the agent's own announcement is not a member", (t) => {
  const table = new MembershipTable(selfUuid, timeouts, new ManualClock());
  t.is(table.observeAnnounce(announce("me", selfUuid)), "unchanged");
  t.is(table.members().length, 0);
});

test("sweep reports each liveness change once", (t) => {
  const clock = new ManualClock();
  const table = new MembershipTable(selfUuid, timeouts, clock);
  table.observeAnnounce(announce("n1", a));
  table.observeHeartbeat(heartbeat(a));
  t.deepEqual(table.sweep().map((c) => c.to), ["alive"]);
  t.deepEqual(table.sweep(), []);
  clock.advance(10_000);
  t.deepEqual(table.sweep().map((c) => [c.from, c.to]), [["alive", "dead"]]);
});
