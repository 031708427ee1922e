import type { Exec } from "../host/exec.js";
import type { LabPlan } from "./layout.js";

/**
 * The lab's L2 segment, all of it inside the lab's own network namespace
 * (never the host's): a bridge carrying the namespace's address (the guests'
 * gateway) and each node's BMC address, and one tap per node that the
 * node's qemu opens. Deleting the namespace deletes all of it.
 */
export async function createSegment(exec: Exec, plan: LabPlan): Promise<void> {
  const ip = (...args: string[]) => exec.run(["ip", "-n", plan.namespace, ...args]);
  await exec.run(["ip", "netns", "add", plan.namespace]);
  // ipmi_sim and qemu talk over the namespace's loopback (the VM serial interface).
  await ip("link", "set", "lo", "up");
  await ip("link", "add", plan.bridge, "type", "bridge", "forward_delay", "0", "stp_state", "0");
  await ip("addr", "add", `${plan.gateway}/${plan.prefixLength}`, "dev", plan.bridge);
  for (const node of plan.nodes) await ip("addr", "add", `${node.bmc.address}/${plan.prefixLength}`, "dev", plan.bridge);
  await ip("link", "set", plan.bridge, "up");
  for (const node of plan.nodes) {
    await ip("tuntap", "add", "dev", node.tap, "mode", "tap");
    await ip("link", "set", node.tap, "master", plan.bridge, "up");
  }
}

export async function listNamespaces(exec: Exec): Promise<string[]> {
  const text = (await exec.run(["ip", "-j", "netns", "list"])).stdout.trim();
  // ip prints nothing at all, not [], when there is no namespace.
  return text === "" ? [] : (JSON.parse(text) as Array<{ name: string }>).map((entry) => entry.name);
}

export async function namespaceExists(exec: Exec, namespace: string): Promise<boolean> {
  return (await listNamespaces(exec)).includes(namespace);
}

/** The pids of every process whose network namespace it is. */
export async function pidsInNamespace(exec: Exec, namespace: string): Promise<number[]> {
  const text = (await exec.run(["ip", "netns", "pids", namespace])).stdout;
  return text.split("\n").filter((line) => line.trim() !== "").map(Number);
}

/** Interfaces of the host's own namespace named like the lab's: there should never be any. */
export async function hostLabInterfaces(exec: Exec): Promise<string[]> {
  const links = JSON.parse((await exec.run(["ip", "-j", "link", "show"])).stdout) as Array<{ ifname: string }>;
  return links.map((link) => link.ifname).filter((name) => name.startsWith("alkorbr") || name.startsWith("alkortap"));
}
