import { eventually } from "../helpers/wait.js";
import test from "ava";
import { NodeListBodySchema } from "../../src/api/local/contract.js";
import type { Liveness } from "../../src/model/node.js";
import { openLab, recordFigure, type Lab, type LabNode } from "./harness.js";

/**
 * The watchdog feeder (src/node/watchdog-feeder.ts) on a lab node's real
 * i6300esb: the agent is killed with SIGKILL, so the watchdog stays armed and
 * unfed; systemd restarts the agent within seconds, but the new agent finds
 * its predecessor's armed note and refuses to feed, so the watchdog resets
 * the guest (qemu -watchdog-action reset). The node boots, its agent arms the
 * watchdog again, and the others see it alive.
 */
const agentTimeoutMs = 10 * 60_000;
let lab: Lab;
let target: LabNode;


async function bootId(node: LabNode): Promise<string> {
  return (await node.exec.run(["cat", "/proc/sys/kernel/random/boot_id"], { timeoutMs: 5_000 })).stdout.trim();
}

/** "active" or "inactive" from sysfs; null where the kernel does not show it (CONFIG_WATCHDOG_SYSFS off). */
async function watchdogState(node: LabNode): Promise<string | null> {
  return node.exec.run(["cat", "/sys/class/watchdog/watchdog0/state"], { timeoutMs: 5_000 }).then(
    ({ stdout }) => stdout.trim(),
    () => null,
  );
}

async function sysfs(node: LabNode, attribute: string): Promise<string> {
  return node.exec.run(["cat", `/sys/class/watchdog/watchdog0/${attribute}`]).then(
    ({ stdout }) => stdout.trim(),
    () => "?",
  );
}

async function livenessSeenBy(node: LabNode, about: string): Promise<Liveness | undefined> {
  const { stdout } = await node.exec.run(["/usr/local/bin/alkor-node", "list", "--json"], { timeoutMs: 10_000 });
  return NodeListBodySchema.shape.nodes.parse(JSON.parse(stdout)).find((listed) => listed.name === about)?.status;
}

test.before(async () => {
  lab = await openLab();
  const master = (await lab.nodes[0]!.exec.run(["/usr/local/bin/alkor-cluster", "getmaster"]).catch(() => ({ stdout: "" }))).stdout.trim();
  // Not the master: the test is about the watchdog, not failover.
  target = lab.nodes.filter((node) => node.name !== master).at(-1) ?? lab.nodes.at(-1)!;
});

test.serial("an agent killed with SIGKILL leaves the watchdog unfed: the node resets, comes back and rejoins", async (t) => {
  await lab.waitForAgent(target.name, agentTimeoutMs);
  const config = JSON.parse((await target.exec.run(["cat", "/etc/alkor/alkord.json"])).stdout) as { watchdog?: { device?: string } };
  if (config.watchdog === undefined) return t.fail(`${target.name}'s /etc/alkor/alkord.json has no watchdog section (the image writes one for alkor.watchdog=1).`);
  const device = config.watchdog.device ?? "/dev/watchdog";
  t.log(`${target.name}: ${device} is ${await sysfs(target, "identity")}, timeout ${await sysfs(target, "timeout")} s`);
  // The feeder notes that it armed the watchdog; the kernel shows it active.
  await eventually(`${target.name}'s agent to arm its watchdog`, 60_000, async () => {
    await target.exec.run(["test", "-e", "/var/lib/alkor/watchdog-armed"]);
    return (await watchdogState(target)) !== "inactive" ? true : null;
  });

  const bootBefore = await bootId(target);
  const pid = (await target.exec.run(["systemctl", "show", "--property", "MainPID", "--value", "alkord.service"])).stdout.trim();
  t.regex(pid, /^[1-9]\d*$/, "alkord's main pid");
  await target.exec.run(["kill", "-KILL", pid]);
  const killed = Date.now();

  const bootAfter = await eventually(`${target.name} to reset and boot again`, 5 * 60_000, async () => {
    const id = await bootId(target);
    return id !== bootBefore ? id : null;
  });
  const reset = Date.now();
  t.not(bootAfter, bootBefore);
  await lab.waitForAgent(target.name, agentTimeoutMs);
  const agentBack = Date.now();
  const watchers = lab.nodes.filter((node) => node !== target);
  for (const watcher of watchers) {
    await eventually(`${watcher.name} to see ${target.name} alive again`, agentTimeoutMs, async () => ((await livenessSeenBy(watcher, target.name)) === "alive" ? true : null));
  }
  const rejoined = Date.now();
  // Back in the cluster: it names the same master as the others.
  const masters = await Promise.all(lab.nodes.map(async (node) => (await node.exec.run(["/usr/local/bin/alkor-cluster", "getmaster"])).stdout.trim()));
  t.true(masters.every((name) => name !== "" && name === masters[0]), `masters: ${masters.join(", ")}`);
  // The new boot's agent armed the watchdog again.
  await eventually(`${target.name}'s new agent to arm its watchdog`, 60_000, async () => {
    const note = JSON.parse((await target.exec.run(["cat", "/var/lib/alkor/watchdog-armed"])).stdout) as { bootId?: string };
    return note.bootId === bootAfter && (await watchdogState(target)) !== "inactive" ? true : null;
  });

  const figure = `watchdog on ${target.name}: SIGKILL of alkord to guest back after reset ${((reset - killed) / 1000).toFixed(1)} s, agent answering ${((agentBack - killed) / 1000).toFixed(1)} s, seen alive by ${watchers.map((node) => node.name).join(", ")} ${((rejoined - killed) / 1000).toFixed(1)} s`;
  t.log(figure);
  recordFigure(figure);
});
