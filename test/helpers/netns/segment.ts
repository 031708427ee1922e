import { ip } from "./namespaces.js";

/** A Linux bridge in the hub namespace: the one L2 segment every node is plugged into. */
export async function addBridge(hubNamespace: string, bridge: string): Promise<void> {
  await ip("-n", hubNamespace, "link", "add", bridge, "type", "bridge");
  await ip("-n", hubNamespace, "link", "set", bridge, "up");
}

export interface NodePort {
  hubNamespace: string;
  bridge: string;
  hubVeth: string;
  nodeNamespace: string;
  /** The node's address on the segment, a /24. */
  address: string;
}

/**
 * Plugs a node into the bridge with a veth pair made directly inside the two
 * namespaces, so no interface ever exists in the host's own namespace. The
 * node's end is eth0, as on a real machine.
 */
export async function plugNode(port: NodePort): Promise<void> {
  await ip("-n", port.hubNamespace, "link", "add", port.hubVeth, "type", "veth", "peer", "name", "eth0", "netns", port.nodeNamespace);
  await ip("-n", port.hubNamespace, "link", "set", port.hubVeth, "master", port.bridge, "up");
  await ip("-n", port.nodeNamespace, "addr", "add", `${port.address}/24`, "dev", "eth0");
  await ip("-n", port.nodeNamespace, "link", "set", "eth0", "up");
}
