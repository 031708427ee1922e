import test from "ava";
import { Drbd } from "../../../../src/host/storage/drbd.js";
import { renderResourceFile, type DrbdResource } from "../../../../src/host/storage/drbd-resource.js";
import { parseProcDrbd } from "../../../../src/host/storage/drbd-status.js";
import { FakeExec } from "../net/fake-exec.js";
import {
  procDrbdConnectedInconsistent,
  procDrbdLargeStalledResync,
  procDrbdMixed,
  procDrbdNoResources,
  procDrbdStartOfSync,
  procDrbdSyncSource,
  procDrbdSyncTarget,
  procDrbdUpToDate,
  procDrbdWaitingForPeer,
} from "./recorded-proc-drbd.js";

const resource: DrbdResource = {
  name: "alkor-r0",
  minor: 0,
  port: 7789,
  nodes: [
    { hostName: "node1", address: "10.253.0.11", disk: "/dev/alkor/r0" },
    { hostName: "node2", address: "10.253.0.12", disk: "/dev/alkor/r0" },
  ],
};

test("the resource file names both nodes with their disk, internal metadata, address and port, protocol C", (t) => {
  // This text, with the host name changed to the machine's own, was accepted by drbd-utils 9.22's drbdadm-84 dump.
  t.is(
    renderResourceFile(resource),
    [
      "# Written by alkor: replaced whenever alkor changes resource alkor-r0.",
      "resource alkor-r0 {",
      "  net {",
      "    protocol C;",
      "  }",
      "  on node1 {",
      "    device /dev/drbd0 minor 0;",
      "    disk /dev/alkor/r0;",
      "    meta-disk internal;",
      "    address ipv4 10.253.0.11:7789;",
      "  }",
      "  on node2 {",
      "    device /dev/drbd0 minor 0;",
      "    disk /dev/alkor/r0;",
      "    meta-disk internal;",
      "    address ipv4 10.253.0.12:7789;",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
});

test("IPv6 replication addresses are bracketed and marked ipv6", (t) => {
  const text = renderResourceFile({ ...resource, nodes: [{ ...resource.nodes[0], address: "fd00::11" }, { ...resource.nodes[1], address: "fd00::12" }] });
  t.regex(text, /address ipv6 \[fd00::11\]:7789;/);
});

for (const [what, broken] of [
  ["the same host twice", { ...resource, nodes: [resource.nodes[0], resource.nodes[0]] }],
  ["an address that is no IP", { ...resource, nodes: [{ ...resource.nodes[0], address: "node1.lab" }, resource.nodes[1]] }],
  ["a host name with a space", { ...resource, nodes: [{ ...resource.nodes[0], hostName: "node 1" }, resource.nodes[1]] }],
  ["a minor out of range", { ...resource, minor: -1 }],
  ["a resource name with a slash", { ...resource, name: "../etc/passwd" }],
  ["a backing disk outside /dev", { ...resource, nodes: [{ ...resource.nodes[0], disk: "r0" }, resource.nodes[1]] }],
] as const) {
  test(`a resource with ${what} is refused`, (t) => {
    t.throws(() => renderResourceFile(broken as DrbdResource), { code: "wrong_input" });
  });
}

test("a loaded module without resources has no devices", (t) => {
  t.deepEqual(parseProcDrbd(procDrbdNoResources), { version: "8.4.11", devices: [] });
});

test("a resource waiting for its peer shows the peer as unknown and no sync", (t) => {
  const [device] = parseProcDrbd(procDrbdWaitingForPeer).devices;
  t.like(device, { minor: 0, connectionState: "WFConnection", role: "Secondary", peerRole: "Unknown", diskState: "Inconsistent", peerDiskState: "DUnknown", protocol: "C", outOfSyncKiB: 262132, syncProgress: null });
});

test("before primary --force both sides are connected and inconsistent", (t) => {
  t.like(parseProcDrbd(procDrbdConnectedInconsistent).devices[0], { connectionState: "Connected", diskState: "Inconsistent", peerDiskState: "Inconsistent" });
});

test("the sync source reads percent, speed, time left and how much is done", (t) => {
  const [device] = parseProcDrbd(procDrbdSyncSource).devices;
  t.like(device, { connectionState: "SyncSource", role: "Primary", peerRole: "Secondary", diskState: "UpToDate", peerDiskState: "Inconsistent" });
  t.deepEqual(device?.syncProgress, { percent: 46.9, speedKiBps: 21344, averageSpeedKiBps: 19916, etaSeconds: 6, doneKiB: 262132 - 142640, totalKiB: 262132, stalled: false });
});

test("the sync target reads the same progress past the rate it wants", (t) => {
  const [device] = parseProcDrbd(procDrbdSyncTarget).devices;
  t.like(device, { connectionState: "SyncTarget", role: "Secondary", diskState: "Inconsistent", peerDiskState: "UpToDate" });
  t.like(device?.syncProgress, { percent: 46.9, speedKiBps: 21344, etaSeconds: 6 });
});

test("a sync that has just begun has done nothing yet", (t) => {
  t.like(parseProcDrbd(procDrbdStartOfSync).devices[0]?.syncProgress, { percent: 1.6, doneKiB: 0, totalKiB: 262132, etaSeconds: 262 });
});

test("large resyncs counted in MiB are read in KiB, and a stall is noticed", (t) => {
  const [device] = parseProcDrbd(procDrbdLargeStalledResync).devices;
  t.is(device?.minor, 3);
  t.deepEqual(device?.syncProgress, { percent: 20.1, speedKiBps: 0, averageSpeedKiBps: 34952, etaSeconds: 4194, doneKiB: 20480 * 1024, totalKiB: 102400 * 1024, stalled: true });
});

test("an up-to-date resource has no sync progress and nothing out of sync", (t) => {
  t.like(parseProcDrbd(procDrbdUpToDate).devices[0], { connectionState: "Connected", diskState: "UpToDate", peerDiskState: "UpToDate", outOfSyncKiB: 0, syncProgress: null });
});

test("standalone, unconfigured and gapped minors are each read", (t) => {
  const devices = parseProcDrbd(procDrbdMixed).devices;
  t.deepEqual(devices.map((device) => [device.minor, device.connectionState]), [
    [0, "StandAlone"],
    [1, "Unconfigured"],
    [4, "WFConnection"],
  ]);
  t.is(devices[0]?.protocol, null);
  t.is(devices[0]?.outOfSyncKiB, 8192);
  t.is(devices[2]?.diskState, "Outdated");
});

test("DRBD 9's /proc/drbd, which carries no devices, is refused as not 8.4", (t) => {
  t.throws(() => parseProcDrbd("version: 9.2.8 (api:2/proto:86-122)\nGIT-hash: e163b05a76254c0f51f999970e861d72bb16409a\nTransports (api:20): tcp (9.2.8)\n"), {
    code: "environment_error",
    message: /it is DRBD 9\.2\.8, not 8\.4/,
  });
});

test("an unknown state is refused, naming the minor and the field", (t) => {
  t.throws(() => parseProcDrbd(procDrbdUpToDate.replace("ds:UpToDate/UpToDate", "ds:Shiny/UpToDate")), { message: /line 3: minor 0: ds: "Shiny"/ });
  t.throws(() => parseProcDrbd(procDrbdSyncSource.replace("speed: 21,344", "speed: fast")), { message: /is not "finish: H:MM:SS speed: N \(N\) K\/sec"/ });
});

test("drbdadm runs each step on the resource by name", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  const drbd = new Drbd(exec);
  await drbd.createMetadata("alkor-r0");
  await drbd.up("alkor-r0");
  await drbd.forcePrimary("alkor-r0");
  await drbd.secondary("alkor-r0");
  await drbd.primary("alkor-r0");
  await drbd.down("alkor-r0");
  t.deepEqual(exec.commands, [
    "drbdadm create-md --force alkor-r0",
    "drbdadm up alkor-r0",
    "drbdadm primary --force alkor-r0",
    "drbdadm secondary alkor-r0",
    "drbdadm primary alkor-r0",
    "drbdadm down alkor-r0",
  ]);
});

test("the resource file is written through Exec as data, never as shell code", async (t) => {
  const exec = new FakeExec(() => ({ stdout: "" }));
  await new Drbd(exec).writeResource(resource);
  const argv = exec.calls[0]?.argv ?? [];
  t.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
  t.false(argv[2]?.includes("alkor-r0"));
  t.is(argv[4], renderResourceFile(resource));
  t.is(argv[5], "/etc/drbd.d/alkor-r0.res");
});

test("status reads /proc/drbd and finds the minor; an unconfigured or absent minor is null", async (t) => {
  const drbd = new Drbd(new FakeExec(() => ({ stdout: procDrbdMixed })));
  t.is((await drbd.status(4))?.connectionState, "WFConnection");
  t.is(await drbd.status(1), null);
  t.is(await drbd.status(7), null);
});

test("without the DRBD module, status says the module is not loaded", async (t) => {
  const drbd = new Drbd(new FakeExec(() => ({ fails: "cat: /proc/drbd: No such file or directory" })));
  await t.throwsAsync(drbd.status(0), { code: "environment_error", message: /DRBD kernel module is not loaded/ });
});
