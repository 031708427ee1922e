import test from "ava";
import { pino } from "pino";
import { ClusterIpHolder } from "../../../src/cluster/cluster-ip-holder.js";
import type { ClusterAddressPort, ClusterAddressSpec } from "../../../src/host/net/cluster-address.js";
import { waitFor } from "../../helpers/wait.js";

const spec: ClusterAddressSpec = { ip: "10.0.0.100", prefixLength: 24, device: "eth0" };

/** An interface in memory, with calls recorded and failures on demand. */
function fakeInterface() {
  const state = { present: false, calls: [] as string[], failAcquire: false, marked: false };
  const port: ClusterAddressPort = {
    acquire: async () => {
      state.calls.push("acquire");
      if (state.failAcquire) throw new Error("RTNETLINK answers: Operation not permitted");
      state.present = true;
    },
    release: async () => {
      state.calls.push("release");
      state.present = false;
    },
    held: async () => state.present,
  };
  const marker = { read: async () => state.marked, write: async (held: boolean) => void (state.marked = held) };
  return { state, holder: new ClusterIpHolder(port, marker, pino({ level: "silent" })) };
}

test("the address is added when wanted and removed when not, once each", async (t) => {
  const { state, holder } = fakeInterface();
  holder.want(spec);
  holder.want(spec);
  await waitFor("the address to be added", () => state.present);
  holder.want(null);
  await waitFor("the address to be removed", () => !state.present);
  t.deepEqual(state.calls, ["acquire", "release"]);
  t.is(holder.current, null);
});

test("a wish that changes while a change runs is honoured after it", async (t) => {
  const { state, holder } = fakeInterface();
  holder.want(spec);
  holder.want(null);
  await waitFor("the last wish to be settled", () => state.calls.length === 2);
  t.false(state.present);
});

test("a failed add is retried at the next wish", async (t) => {
  const { state, holder } = fakeInterface();
  state.failAcquire = true;
  holder.want(spec);
  await waitFor("the failed attempt", () => state.calls.length === 1);
  t.is(holder.current, null);
  state.failAcquire = false;
  holder.want(spec);
  await waitFor("the address to be added", () => state.present);
});

test("an address removed behind the holder's back is added again on verify", async (t) => {
  const { state, holder } = fakeInterface();
  holder.want(spec);
  await waitFor("the address to be added", () => state.present);
  state.present = false;
  holder.verify();
  await waitFor("the address to be added again", () => state.present);
  t.deepEqual(state.calls, ["acquire", "acquire"]);
});

test("an address this node's earlier run left is removed; one it never marked is another node's and stays", async (t) => {
  const { state, holder } = fakeInterface();
  state.present = true;
  await holder.clearLeftover(spec);
  holder.want(null);
  t.deepEqual(state.calls, [], "unmarked: not this node's");
  state.marked = true;
  await holder.clearLeftover(spec);
  await waitFor("the stale address to be removed", () => !state.present);
  t.deepEqual(state.calls, ["release"]);
  t.false(state.marked);
});

test("the marker is set while the address is held", async (t) => {
  const { state, holder } = fakeInterface();
  holder.want(spec);
  await waitFor("the address to be added", () => state.present);
  t.true(state.marked);
  holder.want(null);
  await waitFor("the address to be removed", () => !state.present);
  t.false(state.marked);
});

test("release waits until the address is gone", async (t) => {
  const { state, holder } = fakeInterface();
  holder.want(spec);
  await holder.release();
  t.false(state.present);
});
