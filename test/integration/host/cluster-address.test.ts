import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import test from "ava";
import { processExec } from "../../../src/host/exec.js";
import { IpCommandClusterAddress, type ClusterAddressSpec } from "../../../src/host/net/cluster-address.js";
import { inNamespace } from "../../../src/host/net/in-namespace.js";
import { memoryLogger } from "../../helpers/log.js";
import { waitFor } from "../../helpers/wait.js";

const run = promisify(execFile);

// Two namespaces this test creates, joined by a veth pair: the master's side
// holds the cluster IP, the peer's side watches its ARP cache. Nothing here
// touches the host's own network.
const suffix = randomBytes(4).toString("hex");
const master = `alkor-cip-m-${suffix}`;
const peer = `alkor-cip-p-${suffix}`;
const masterDevice = "alkor0";
const peerDevice = "alkor1";
const clusterIp: ClusterAddressSpec = { ip: "10.250.0.100", prefixLength: 32, device: masterDevice };

const { log } = memoryLogger();
const address = new IpCommandClusterAddress(inNamespace(processExec, master), log);

async function ipJson<T>(namespace: string, ...args: string[]): Promise<T> {
  const { stdout } = await run("ip", ["-n", namespace, "-j", ...args]);
  return JSON.parse(stdout) as T;
}

/** The addresses on the master's veth, as "IP/PREFIX". */
async function masterAddresses(): Promise<string[]> {
  const [link] = await ipJson<Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>>(master, "addr", "show", "dev", masterDevice);
  return link!.addr_info.map((info) => `${info.local}/${info.prefixlen}`);
}

/** The MAC address the peer has learnt for `ip`, or null. */
async function peerNeighbour(ip: string): Promise<string | null> {
  const entries = await ipJson<Array<{ lladdr?: string }>>(peer, "neigh", "show", ip, "dev", peerDevice);
  return entries[0]?.lladdr ?? null;
}

let masterMac: string;

test.before(async () => {
  await run("ip", ["netns", "add", master]);
  await run("ip", ["netns", "add", peer]);
  // Both ends are created inside the namespaces, so no name is taken on the host.
  await run("ip", ["link", "add", masterDevice, "netns", master, "type", "veth", "peer", "name", peerDevice, "netns", peer]);
  for (const [namespace, device, ip] of [[master, masterDevice, "10.250.0.1/24"], [peer, peerDevice, "10.250.0.2/24"]] as const) {
    await run("ip", ["-n", namespace, "addr", "add", ip, "dev", device]);
    await run("ip", ["-n", namespace, "link", "set", device, "up"]);
    await run("ip", ["-n", namespace, "link", "set", "lo", "up"]);
  }
  // Linux ignores a gratuitous ARP for an address it has no entry for unless
  // arp_accept is set (ip-sysctl.rst); with it, the announcement creates one.
  await run("ip", ["netns", "exec", peer, "sysctl", "-qw", "net.ipv4.conf.all.arp_accept=1", `net.ipv4.conf.${peerDevice}.arp_accept=1`]);
  const [link] = await ipJson<Array<{ address: string }>>(master, "link", "show", "dev", masterDevice);
  masterMac = link!.address;
  // arping refuses a device whose carrier is not up yet.
  await waitFor("the veth pair to come up", async () => {
    const [state] = await ipJson<Array<{ operstate: string }>>(master, "link", "show", "dev", masterDevice);
    return state?.operstate === "UP";
  });
});

test.after.always(async () => {
  for (const namespace of [master, peer]) await run("ip", ["netns", "delete", namespace]).catch(() => {});
});

test.serial("acquire adds the cluster IP and its gratuitous ARP puts it into the peer's neighbour table", async (t) => {
  t.is(await peerNeighbour(clusterIp.ip), null);
  t.false(await address.held(clusterIp));
  await address.acquire(clusterIp);
  t.true(await address.held(clusterIp));
  t.true((await masterAddresses()).includes("10.250.0.100/32"));
  await waitFor("the peer to learn the cluster IP from the announcement", async () => (await peerNeighbour(clusterIp.ip)) === masterMac, { timeoutMs: 5000 });
});

test.serial("acquiring again keeps a single copy of the address and announces it again", async (t) => {
  await run("ip", ["-n", peer, "neigh", "flush", "dev", peerDevice]);
  t.is(await peerNeighbour(clusterIp.ip), null);
  await address.acquire(clusterIp);
  t.is((await masterAddresses()).filter((held) => held === "10.250.0.100/32").length, 1);
  await waitFor("the peer to learn the cluster IP again", async () => (await peerNeighbour(clusterIp.ip)) === masterMac, { timeoutMs: 5000 });
});

test.serial("release removes the cluster IP, and releasing again changes nothing", async (t) => {
  await address.release(clusterIp);
  t.false(await address.held(clusterIp));
  const afterRelease = await masterAddresses();
  t.false(afterRelease.includes("10.250.0.100/32"));
  await address.release(clusterIp);
  t.false(await address.held(clusterIp));
  t.deepEqual(await masterAddresses(), afterRelease);
});

test.serial("the cluster IP on loopback, as in the local demo, is added and removed without ARP", async (t) => {
  const onLoopback: ClusterAddressSpec = { ip: "10.250.1.1", prefixLength: 32, device: "lo" };
  await address.acquire(onLoopback);
  t.true(await address.held(onLoopback));
  t.is(await address.deviceOf("10.250.1.1"), "lo");
  await address.release(onLoopback);
  t.false(await address.held(onLoopback));
});

test.serial("an IPv6 cluster IP is added and removed, spelt either way", async (t) => {
  await address.acquire({ ip: "2001:db8:250::100", prefixLength: 128, device: masterDevice });
  t.true(await address.held({ ip: "2001:DB8:250:0::100", prefixLength: 128, device: masterDevice }));
  await address.release({ ip: "2001:db8:250::100", prefixLength: 128, device: masterDevice });
  t.false(await address.held({ ip: "2001:db8:250::100", prefixLength: 128, device: masterDevice }));
});

test.serial("deviceOf finds the veth carrying the namespace's own address, and null for an unknown one", async (t) => {
  t.is(await address.deviceOf("10.250.0.1"), masterDevice);
  t.is(await address.deviceOf("10.250.0.9"), null);
});
