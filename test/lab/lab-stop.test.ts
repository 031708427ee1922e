import test from "ava";
import { processExec } from "../../src/host/exec.js";
import { labLeftovers, stopLab } from "../../src/lab/lab.js";
import { DEFAULT_LAB_DIR, LAB_NAMESPACE } from "../../src/lab/layout.js";
import { listNamespaces } from "../../src/lab/network.js";

/**
 * Runs last in make lab-test (and stops the lab it tested): after stop no
 * qemu, ipmi_sim, namespace, bridge, tap or lab directory is left, and a
 * second stop finds nothing to do.
 */
const labDir = process.env.ALKOR_LAB_DIR ?? DEFAULT_LAB_DIR;

test.serial("make lab-stop leaves no qemu, ipmi_sim, namespace, bridge, tap or lab directory behind", async (t) => {
  const lines: string[] = [];
  await stopLab(labDir, (line) => lines.push(line));
  t.log(lines.join("\n"));
  t.deepEqual(await labLeftovers(labDir), []);
  t.false((await listNamespaces(processExec)).includes(LAB_NAMESPACE));
});

test.serial("stopping a stopped lab does nothing and succeeds", async (t) => {
  const lines: string[] = [];
  await stopLab(labDir, (line) => lines.push(line));
  t.deepEqual(lines, []);
  t.deepEqual(await labLeftovers(labDir), []);
});
