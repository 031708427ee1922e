import { eventually } from "../helpers/wait.js";
import test from "ava";
import { NodeListBodySchema } from "../../src/api/local/contract.js";
import { IpmitoolBmc } from "../../src/host/bmc/ipmitool.js";
import type { Liveness } from "../../src/model/node.js";
import { AlkorError } from "../../src/model/errors.js";
import { openLab, recordFigure, type Lab, type LabNode } from "./harness.js";

/**
 * Contract test of the BMC adapter (src/host/bmc/ipmitool.ts): the adapter
 * runs here, ipmitool runs in one lab node's guest and reaches another
 * node's BMC (its ipmi_sim) over IPMI LAN, as a peer fencing that node
 * would. Powers the node off, reads its power state, measures how long the
 * other agents take to see it dead, and powers it on again until it rejoins.
 */
const agentTimeoutMs = 10 * 60_000;
let lab: Lab;
let observer: LabNode;
let target: LabNode;
let bmc: IpmitoolBmc;


/** How `node` sees `about` in its membership table. */
async function livenessSeenBy(node: LabNode, about: string): Promise<Liveness | undefined> {
  const { stdout } = await node.exec.run(["/usr/local/bin/alkor-node", "list", "--json"], { timeoutMs: 10_000 });
  return NodeListBodySchema.shape.nodes.parse(JSON.parse(stdout)).find((listed) => listed.name === about)?.status;
}

test.before(async () => {
  lab = await openLab();
  if (lab.nodes.length < 2) throw new Error("The BMC test needs two lab nodes.");
  observer = lab.nodes[0]!;
  // Fence a node that is not the master, so the cluster keeps its master through the test.
  const master = (await observer.exec.run(["/usr/local/bin/alkor-cluster", "getmaster"]).catch(() => ({ stdout: "" }))).stdout.trim();
  const others = lab.nodes.slice(1);
  target = others.filter((node) => node.name !== master).at(-1) ?? others.at(-1)!;
  bmc = new IpmitoolBmc(observer.exec, target.bmc);
});

test.after.always(async () => {
  // Never leave a node powered off for the tests after this one.
  if (bmc !== undefined && (await bmc.powerStatus().catch(() => "on")) === "off") await bmc.powerOn().catch(() => undefined);
});

test.serial("ipmitool in one guest reads another node's power state, and a wrong password is told apart", async (t) => {
  const started = Date.now();
  t.is(await bmc.powerStatus(), "on");
  t.log(`${observer.name} → ${target.name}'s BMC ${target.bmc.address}:${target.bmc.port}: power status in ${Date.now() - started} ms`);
  const wrong = new IpmitoolBmc(observer.exec, { ...target.bmc, password: `${target.bmc.password}-wrong` });
  const error = await t.throwsAsync(wrong.powerStatus(), { instanceOf: AlkorError, code: "wrong_input" });
  t.is(error?.details?.["reason"], "bad_credentials");
});

test.serial("BMC power-off: the node's power reads off, and the other agents see it dead", async (t) => {
  const watchers = lab.nodes.filter((node) => node !== target);
  for (const node of lab.nodes) await lab.waitForAgent(node.name, agentTimeoutMs);
  for (const watcher of lab.nodes.length >= 3 ? watchers : []) {
    await eventually(`${watcher.name} to see ${target.name} alive`, agentTimeoutMs, async () => ((await livenessSeenBy(watcher, target.name)) === "alive" ? true : null), 1000);
  }

  await bmc.powerOff();
  const poweredOff = Date.now();
  await eventually(`${target.name}'s power to read off`, 30_000, async () => ((await bmc.powerStatus()) === "off" ? true : null));
  t.log(`power reads off ${Date.now() - poweredOff} ms after the power-off returned`);
  t.is(await bmc.powerStatus(), "off");

  if (lab.nodes.length < 3) {
    // alkor-node list is a linearizable read: with two nodes, the survivor has no quorum to answer it.
    t.log("With fewer than 3 nodes the survivors cannot answer alkor-node list; the time to seen-dead is not measured.");
    return;
  }
  const seenDead = await Promise.all(
    watchers.map(async (watcher) => {
      const view = await eventually(`${watcher.name} to see ${target.name} dead`, 120_000, async () => {
        const status = await livenessSeenBy(watcher, target.name);
        return status === "dead" ? status : null;
      });
      return { watcher: watcher.name, view, seconds: (Date.now() - poweredOff) / 1000 };
    }),
  );
  const figure = `BMC power-off of ${target.name} (from ${observer.name}) to seen dead: ${seenDead.map((seen) => `${seen.watcher} ${seen.seconds.toFixed(1)} s`).join(", ")} (membership deadAfterMs, polled every 250 ms)`;
  t.log(figure);
  recordFigure(figure);
  for (const seen of seenDead) t.is(seen.view, "dead", `${seen.watcher}'s view of ${target.name}`);
});

test.serial("BMC power-on: the node boots, its agent comes back and the others see it alive", async (t) => {
  await bmc.powerOn();
  const poweredOn = Date.now();
  await eventually(`${target.name}'s power to read on`, 30_000, async () => ((await bmc.powerStatus()) === "on" ? true : null));
  await lab.waitForAgent(target.name, agentTimeoutMs);
  const agentBack = Date.now();
  const views: Array<{ watcher: string; view: Liveness }> = [];
  for (const watcher of lab.nodes.filter((node) => node !== target)) {
    const view = await eventually(`${watcher.name} to see ${target.name} alive again`, agentTimeoutMs, async () => {
      const status = await livenessSeenBy(watcher, target.name);
      return status === "alive" ? status : null;
    }, 1000);
    views.push({ watcher: watcher.name, view });
  }
  t.log(`${target.name}: agent answers ${((agentBack - poweredOn) / 1000).toFixed(1)} s after power-on, seen alive by all ${((Date.now() - poweredOn) / 1000).toFixed(1)} s after`);
  for (const seen of views) t.is(seen.view, "alive", `${seen.watcher}'s view of ${target.name}`);
});
