/**
 * Test helper: runs one node's mDNS discovery until SIGTERM and prints pino
 * JSON lines on stdout: each peer found is a line with event "peer", each node
 * of another cluster heard is a debug line with peerName and peerCluster.
 * It runs only inside the named network namespace given by --netns (PID 1's
 * namespace cannot be read here to compare with), so multicast from tests never
 * reaches the host's network.
 */
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { createLogger } from "../../src/agent/logger.js";
import { MdnsDiscovery } from "../../src/discovery/mdns.js";
import { systemClock } from "../../src/host/clock.js";

const { values } = parseArgs({
  options: {
    netns: { type: "string" },
    name: { type: "string" },
    uuid: { type: "string" },
    cluster: { type: "string" },
    address: { type: "string" },
    port: { type: "string" },
    interface: { type: "string" },
  },
  strict: true,
});
const { netns, name, uuid, cluster, address, port } = values;
if (!netns || !name || !uuid || !cluster || !address || !port) {
  process.stderr.write("usage: mdns-peer --netns NS --name N --uuid U --cluster C --address A --port P [--interface I]\n");
  process.exit(2);
}
if (!inNamespace(netns)) {
  process.stderr.write(`mdns-peer: refusing to multicast outside network namespace ${netns}; run it with \`ip netns exec ${netns}\`.\n`);
  process.exit(2);
}

const log = createLogger("debug", { node: name });
const discovery = new MdnsDiscovery({
  advertisement: { nodeName: name, nodeUuid: uuid, clusterId: cluster, address, port: Number(port) },
  clock: systemClock,
  log,
  onPeer: (peer) => log.info({ event: "peer", peer }, "Peer found."),
  interface: values.interface,
});

process.once("SIGTERM", () => {
  void discovery.stop().then(() => process.exit(0));
});
await discovery.start();
log.info({ event: "ready" }, "Discovery started.");

/** Whether this process's network namespace is the one `ip netns add` bound at /run/netns/<name>. */
function inNamespace(name: string): boolean {
  try {
    const own = statSync("/proc/self/ns/net");
    const named = statSync(`/run/netns/${name}`);
    return own.dev === named.dev && own.ino === named.ino;
  } catch {
    return false;
  }
}
