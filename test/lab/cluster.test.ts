import { eventually } from "../helpers/wait.js";
import test from "ava";
import { NodeListBodySchema } from "../../src/api/local/contract.js";
import { labState, openLab, recordFigure, type Lab } from "./harness.js";

/**
 * The cluster of the booted lab (make lab): formed by the nodes themselves
 * from the site config on their kernel command line, every node's hardware
 * read by systeminformation and matched to the qemu-lab profile, every data
 * disk made into the volume group by the first-boot unit. Runs first in
 * make lab-test, before the tests that power nodes off.
 */
const agentTimeoutMs = 10 * 60_000;
let lab: Lab;

test.before(async () => {
  lab = await openLab();
});

async function masterNamedBy(node: string): Promise<string | null> {
  try {
    return (await lab.node(node).exec.run(["/usr/local/bin/alkor-cluster", "getmaster"])).stdout.trim() || null;
  } catch {
    return null;
  }
}


// Each CLI run costs a TCG guest seconds of CPU: ask seldom.
const guestPollMs = 2000;

test.serial("the nodes form a cluster with no command: every node names the same master", async (t) => {
  for (const node of lab.nodes) await lab.waitForAgent(node.name, agentTimeoutMs);
  const master = await eventually("every node to name the same master", agentTimeoutMs, async () => {
    const masters = await Promise.all(lab.nodes.map((node) => masterNamedBy(node.name)));
    return masters[0] && masters.every((name) => name === masters[0]) ? masters[0] : null;
  }, guestPollMs);
  t.true(lab.nodes.some((node) => node.name === master));

  const state = await labState();
  // The runner records the moment it saw the cluster formed; without it (make lab started with --no-wait) this test's own is an upper bound.
  const formedAt = state.clusterFormedAt ?? Date.now();
  const figure = `boot to cluster formed, ${lab.nodes.length} nodes under TCG: ${((formedAt - state.startedAt) / 1000).toFixed(1)} s from lab start${state.clusterFormedAt === null ? " (at most)" : ""}, master ${master}`;
  t.log(figure);
  recordFigure(figure);
});

test.serial("alkor-node list shows every node with its hardware and the qemu-lab profile", async (t) => {
  const state = await labState();
  const first = lab.nodes[0]!;
  const nodes = await eventually("every node's hardware to be read", agentTimeoutMs, async () => {
    const { stdout } = await first.exec.run(["/usr/local/bin/alkor-node", "list", "--json"]);
    const listed = NodeListBodySchema.shape.nodes.parse(JSON.parse(stdout));
    return listed.length === lab.nodes.length && listed.every((node) => node.hardware !== null) ? listed : null;
  }, guestPollMs);
  for (const labNode of lab.nodes) {
    const listed = nodes.find((node) => node.name === labNode.name);
    if (!listed) {
      t.fail(`${labNode.name} is not in alkor-node list`);
      continue;
    }
    t.is(listed.hardware?.profile, "qemu-lab", `${labNode.name}'s profile`);
    t.is(listed.hardware?.manufacturer, "QEMU");
    t.is(listed.managementAddress, labNode.address);
    t.is(listed.cpus, state.nodeCpus, `${labNode.name}'s CPUs`);
    // The guest's kernel keeps some of the memory qemu gives it for itself.
    t.true(listed.memoryTotalBytes > 0.8 * state.nodeMemoryMiB * 2 ** 20 && listed.memoryTotalBytes <= state.nodeMemoryMiB * 2 ** 20, `${labNode.name}'s memory`);
  }
  const table = (await first.exec.run(["/usr/local/bin/alkor-node", "list"])).stdout;
  t.log(`\n${table}`);
  t.regex(table, /Profile/);
  t.is(table.split("\n").filter((line) => / qemu-lab\s*$/.test(line)).length, lab.nodes.length);
});

test.serial("the first-boot unit made the volume group alkor on each node's data disk, tagged alkor", async (t) => {
  for (const node of lab.nodes) {
    const { stdout } = await node.exec.run(["vgs", "--reportformat", "json", "-o", "vg_name,vg_tags,pv_name", "alkor"], { env: { DM_DISABLE_UDEV: "1" } });
    const rows = (JSON.parse(stdout) as { report: Array<{ vg: Array<{ vg_name: string; vg_tags: string; pv_name: string }> }> }).report[0]!.vg;
    t.true(rows.length > 0, `${node.name} has the volume group alkor`);
    for (const row of rows) {
      t.is(row.vg_name, "alkor");
      t.true(row.vg_tags.split(",").includes("alkor"), `${node.name}'s volume group tags: ${row.vg_tags}`);
      t.is(row.pv_name, node.dataDisk, `${node.name}'s volume group is on its data disk`);
    }
  }
});
