import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { findPackageRoot } from "../agent/package-root.js";
import { asAlkorError } from "../model/errors.js";
import { labLeftovers, labStatus, seconds, startLab, stopLab, waitForCluster } from "./lab.js";
import { DEFAULT_LAB_DIR, type LabSettings } from "./layout.js";
import { readLabState } from "./state.js";

/**
 * The qemu lab runner: `start` boots N nodes from the node image (make lab),
 * `stop` removes everything the lab made (make lab-stop), `status` shows
 * what runs, `leftovers` fails if a stopped lab left anything behind.
 * ALKOR_LAB_DIR moves the lab's state directory (default /var/tmp/alkor-lab).
 */
const labDir = process.env.ALKOR_LAB_DIR ?? DEFAULT_LAB_DIR;
const log = (line: string) => console.log(line);

function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new Error(`not a whole number: ${value}`);
  return number;
}

const program = new Command("alkor-lab").description("the qemu lab: N alkor nodes booted from the node image, each with a BMC");

program
  .command("start")
  .description("boot the lab's nodes and wait until they form a cluster")
  .option("--nodes <n>", "how many nodes", integer, integer(process.env.LAB_NODES ?? "3"))
  .option("--image <dir>", "the node image (make image)", process.env.ALKOR_LAB_IMAGE ?? resolve(findPackageRoot(import.meta.url).root, ".image"))
  .option("--memory <mib>", "memory per node, MiB", integer, integer(process.env.LAB_MEMORY_MIB ?? "1024"))
  .option("--cpus <n>", "vCPUs per node", integer, integer(process.env.LAB_CPUS ?? "1"))
  .option("--no-wait", "return once the nodes are powered on")
  .option("--timeout <s>", "how long to wait for the cluster, seconds", integer, 900)
  .action(async (options: { nodes: number; image: string; memory: number; cpus: number; wait: boolean; timeout: number }) => {
    const settings: LabSettings = {
      nodes: options.nodes,
      labDir,
      imageDir: options.image,
      memoryMiB: options.memory,
      cpus: options.cpus,
      dataDiskBytes: 1024 ** 3,
    };
    const state = await startLab(settings, log);
    if (options.wait) {
      const formed = await waitForCluster(state, options.timeout * 1000, log);
      const figure = `make lab: boot to cluster formed, ${formed.nodes.length} nodes under qemu -accel tcg: ${seconds(formed.clusterFormedAt! - formed.startedAt)} (agents answering after ${seconds(formed.agentsUpAt! - formed.startedAt)})`;
      log(`lab: ${figure}`);
      // make lab-test collects the figures of the run in this file and prints them at the end.
      if (process.env.ALKOR_LAB_FIGURES) appendFileSync(process.env.ALKOR_LAB_FIGURES, `${figure}\n`);
    }
    log(`lab: state in ${labDir}/lab.json; consoles in ${labDir}/NODE/console.log; make lab-stop removes it all`);
  });

program
  .command("stop")
  .description("stop every node and BMC and remove the namespace and the lab directory")
  .action(async () => {
    await stopLab(labDir, log);
    const leftovers = await labLeftovers(labDir);
    if (leftovers.length > 0) throw new Error(`left behind: ${leftovers.join("; ")}`);
    log("lab: stopped, nothing left");
  });

program
  .command("status")
  .description("each node's qemu, BMC power state and master")
  .action(async () => {
    const state = await readLabState(labDir);
    if (state === null) {
      log("no lab is running");
      return;
    }
    if (state.clusterFormedAt !== null) log(`cluster ${state.cluster.name} formed ${seconds(state.clusterFormedAt - state.startedAt)} after start`);
    for (const node of await labStatus(state)) {
      log(`${node.name}: qemu ${node.qemu}; BMC: ${node.power}; master: ${node.master ?? "unknown"}`);
    }
  });

program
  .command("leftovers")
  .description("exit 1 if anything of a lab is left (process, namespace, interface, directory)")
  .action(async () => {
    const leftovers = await labLeftovers(labDir);
    for (const leftover of leftovers) log(`left behind: ${leftover}`);
    if (leftovers.length > 0) process.exitCode = 1;
    else log("lab: nothing left behind");
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`alkor-lab: ${asAlkorError(error).message}`);
  process.exitCode = 1;
}
