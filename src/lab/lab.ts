import { access, link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { processExec, type Exec } from "../host/exec.js";
import { AlkorError } from "../model/errors.js";
import { GuestAgentExec } from "./guest-agent.js";
import { bmcEmu, lanConf } from "./ipmi-sim-config.js";
import { kernelCmdline } from "./kernel-cmdline.js";
import { LAB_BRIDGE, LAB_NAMESPACE, planLab, type LabPlan, type LabSettings } from "./layout.js";
import { createSegment, hostLabInterfaces, namespaceExists, pidsInNamespace } from "./network.js";
import { commandLineOf, isAlive, killQuietly, labProcesses, spawnInNamespace } from "./processes.js";
import { imageFiles, qemuArgv, shellCommand, type ImageFiles } from "./qemu-command.js";
import { readLabState, writeLabState, type LabState } from "./state.js";
import { pathExists } from "../host/path-exists.js";

export type Log = (line: string) => void;

/** Where the nodes' agents answer the CLI inside the image. */
export const GUEST_ALKOR_CLUSTER = "/usr/local/bin/alkor-cluster";
/** alkord's control socket in the guest, its default path. */
export const GUEST_CONTROL_SOCKET = "/run/alkor/alkord.sock";

/**
 * Starts the lab: the namespace and its segment, then per node the disks,
 * the BMC's configuration and the BMC itself (ipmi_sim, inside the
 * namespace), which powers the node on at once (`startnow`): the qemu it
 * starts inherits the namespace and so reaches its tap. Any failure leaves
 * a state file that `stopLab` cleans up from.
 */
export async function startLab(settings: LabSettings, log: Log, exec: Exec = processExec): Promise<LabState> {
  const startedAt = Date.now();
  if ((await readLabState(settings.labDir)) !== null || (await namespaceExists(exec, LAB_NAMESPACE))) {
    throw new AlkorError("wrong_state", `A lab is already running (namespace ${LAB_NAMESPACE}, state in ${settings.labDir}); run make lab-stop first.`);
  }
  const imageDir = resolve(settings.imageDir);
  const built = imageFiles(imageDir, (await pathExists(join(imageDir, "vmlinux"))) ? "vmlinux" : "vmlinuz");
  for (const file of Object.values(built)) {
    try {
      await access(file);
    } catch {
      throw new AlkorError("environment_error", `The node image has no ${file}; run make image first.`);
    }
  }
  const plan = planLab({ ...settings, labDir: resolve(settings.labDir), imageDir });
  await mkdir(plan.settings.labDir, { recursive: true });
  const state = initialState(plan, startedAt);
  await writeLabState(state);
  const image = await pinImage(exec, built, join(plan.settings.labDir, "image"));

  log(`lab: namespace ${plan.namespace}, bridge ${plan.bridge} ${plan.gateway}/${plan.prefixLength}, ${plan.nodes.length} nodes`);
  await createSegment(exec, plan);

  for (const [i, node] of plan.nodes.entries()) {
    const { files } = node;
    await mkdir(files.bmcStateDir, { recursive: true });
    await exec.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image.rootfs, files.rootDisk]);
    await exec.run(["qemu-img", "create", "-q", "-f", "qcow2", files.dataDisk, String(plan.settings.dataDiskBytes)]);
    await writeFile(files.lanConf, lanConf(node, shellCommand(qemuArgv(plan, node, image)), { startNow: true }));
    await writeFile(files.bmcEmu, bmcEmu());
    const pid = spawnInNamespace(plan.namespace, ["ipmi_sim", "-c", files.lanConf, "-f", files.bmcEmu, "-s", files.bmcStateDir, "-n"], files.bmcLog);
    state.nodes[i]!.ipmiSimPid = pid;
    await writeLabState(state);
    log(`lab: ${node.name} ${node.address}, BMC ${node.bmc.address}:${node.bmc.port} (ipmi_sim pid ${pid}) powers it on`);
  }

  for (const [i, node] of plan.nodes.entries()) {
    state.nodes[i]!.qemuPid = await waitForQemu(node.files.qemuPidFile, node.files.bmcLog, state.nodes[i]!.ipmiSimPid!);
  }
  state.poweredOnAt = Date.now();
  await writeLabState(state);
  log(`lab: every node powered on after ${seconds(state.poweredOnAt - startedAt)}`);
  return state;
}

/**
 * The lab's own hold on the image it booted: hard links (a copy across
 * filesystems). A `make image` during the lab replaces .image/'s files by
 * rename; without this, a node powered on again through its BMC would boot
 * the new kernel and read its overlay over a base it was not written on.
 */
async function pinImage(exec: Exec, built: ImageFiles, dir: string): Promise<ImageFiles> {
  await mkdir(dir, { recursive: true });
  const pin = async (file: string): Promise<string> => {
    const pinned = join(dir, basename(file));
    try {
      await link(file, pinned);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      // rootfs.img is sparse: 2 GiB of which under 1 GiB is written.
      await exec.run(["cp", "--sparse=always", "--reflink=auto", file, pinned], { timeoutMs: 300_000 });
    }
    return pinned;
  };
  return { kernel: await pin(built.kernel), initrd: await pin(built.initrd), rootfs: await pin(built.rootfs) };
}

function initialState(plan: LabPlan, startedAt: number): LabState {
  return {
    version: 1,
    namespace: plan.namespace,
    bridge: plan.bridge,
    gateway: plan.gateway,
    labDir: plan.settings.labDir,
    imageDir: plan.settings.imageDir,
    nodeCpus: plan.settings.cpus,
    nodeMemoryMiB: plan.settings.memoryMiB,
    cluster: plan.cluster,
    startedAt,
    poweredOnAt: null,
    agentsUpAt: null,
    clusterFormedAt: null,
    master: null,
    nodes: plan.nodes.map((node) => ({
      name: node.name,
      address: node.address,
      replicationAddress: node.address,
      mac: node.mac,
      tap: node.tap,
      dataDisk: "/dev/vdb",
      bmc: node.bmc,
      bmcChardevPort: node.bmcChardevPort,
      dir: node.files.dir,
      qgaSocket: node.files.qgaSocket,
      console: node.files.console,
      qemuPidFile: node.files.qemuPidFile,
      kernelCmdline: kernelCmdline(plan, node),
      ipmiSimPid: null,
      qemuPid: null,
    })),
  };
}

async function waitForQemu(pidFile: string, bmcLog: string, ipmiSimPid: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = await readPidFile(pidFile);
    if (pid !== null && isAlive(pid)) return pid;
    if (!isAlive(ipmiSimPid) || Date.now() > deadline) {
      const why = (await readFile(bmcLog, "utf8").catch(() => "")).trim().split("\n").slice(-5).join(" | ");
      throw new AlkorError("environment_error", `The BMC did not start its node's qemu (${pidFile} never appeared); its log: ${why || "empty"}`);
    }
    await pause(100);
  }
}

async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Waits until every node's agent answers (`alkor-cluster status`) and then
 * until every node names the same master (`alkor-cluster getmaster`), asking
 * through the guest agents, and records both times in the state file.
 */
export async function waitForCluster(state: LabState, timeoutMs: number, log: Log): Promise<LabState> {
  const deadline = Date.now() + timeoutMs;
  const up = new Set<string>();
  while (up.size < state.nodes.length) {
    for (const node of state.nodes) {
      if (up.has(node.name)) continue;
      try {
        const exec = new GuestAgentExec(node.qgaSocket);
        const timeoutMs = Math.min(30_000, Math.max(1000, deadline - Date.now()));
        // A Node CLI costs seconds of a TCG guest's CPU that its boot needs: ask only once the control socket is there.
        await exec.run(["test", "-S", GUEST_CONTROL_SOCKET], { timeoutMs });
        await exec.run([GUEST_ALKOR_CLUSTER, "status", "--json"], { timeoutMs });
        up.add(node.name);
        log(`lab: ${node.name}'s agent answers, ${seconds(Date.now() - state.startedAt)} after start`);
      } catch (error) {
        if (Date.now() > deadline) throw new AlkorError("timeout", `${node.name}'s agent did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      }
    }
    if (up.size < state.nodes.length) await pause(2000);
  }
  state.agentsUpAt = Date.now();
  await writeLabState(state);

  for (;;) {
    // The others are asked only once the first names a master: each CLI run costs a TCG guest seconds of CPU its agent needs.
    const masters: Array<string | null> = [];
    for (const node of state.nodes) {
      const master = await getmaster(node.qgaSocket);
      masters.push(master);
      if (master === null || master !== masters[0]) break;
    }
    const first = masters[0];
    if (first && masters.length === state.nodes.length && masters.every((master) => master === first)) {
      state.clusterFormedAt = Date.now();
      state.master = first;
      await writeLabState(state);
      log(`lab: cluster ${state.cluster.name} formed, master ${first}: ${seconds(state.clusterFormedAt - state.startedAt)} from start (${state.nodes.length} nodes)`);
      return state;
    }
    if (Date.now() > deadline) throw new AlkorError("timeout", `The lab's nodes did not agree on a master within ${timeoutMs} ms (they name: ${masters.map((m) => m ?? "none").join(", ")}).`);
    await pause(2000);
  }
}

/** The master a node names, or null while it cannot name one. */
export async function getmaster(qgaSocket: string): Promise<string | null> {
  try {
    const { stdout } = await new GuestAgentExec(qgaSocket).run([GUEST_ALKOR_CLUSTER, "getmaster"], { timeoutMs: 30_000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * Stops the lab and removes everything it made: its qemus and ipmi_sims
 * (by the pids it recorded, by the namespace, and by their command lines
 * naming the lab directory, so nothing escapes a lost state file), then the
 * namespace (its bridge and taps go with it), then the lab directory.
 * Idempotent; safe after a partial start.
 */
export async function stopLab(labDir: string, log: Log, exec: Exec = processExec): Promise<void> {
  const dir = resolve(labDir);
  const state = await readLabState(dir).catch(() => null);
  const pids = new Set<number>();
  for (const node of state?.nodes ?? []) {
    for (const pid of [node.ipmiSimPid, node.qemuPid, await readPidFile(node.qemuPidFile)]) {
      // A recorded pid is killed only while it is still the lab's process, never a reused one.
      if (pid !== null && (await commandLineOf(pid))?.some((word) => word.includes(dir))) pids.add(pid);
    }
  }
  const namespaced = (await namespaceExists(exec, LAB_NAMESPACE)) ? await pidsInNamespace(exec, LAB_NAMESPACE) : [];
  for (const pid of namespaced) pids.add(pid);
  for (const found of await labProcesses(dir)) pids.add(found.pid);
  // SIGKILL for all at once: an ipmi_sim that outlived its qemu could start it again on a power on.
  for (const pid of pids) killQuietly(pid);
  const deadline = Date.now() + 10_000;
  while ([...pids].some(isAlive) || (await labProcesses(dir)).length > 0) {
    if (Date.now() > deadline) throw new AlkorError("environment_error", `Lab processes ${[...pids].filter(isAlive).join(" ")} did not end.`);
    for (const found of await labProcesses(dir)) killQuietly(found.pid);
    await pause(50);
  }
  if (pids.size > 0) log(`lab: killed ${pids.size} processes (${[...pids].join(" ")})`);
  if (await namespaceExists(exec, LAB_NAMESPACE)) {
    for (const pid of await pidsInNamespace(exec, LAB_NAMESPACE)) killQuietly(pid);
    await exec.run(["ip", "netns", "delete", LAB_NAMESPACE]);
    log(`lab: deleted namespace ${LAB_NAMESPACE} (bridge ${LAB_BRIDGE} and taps with it)`);
  }
  if (await pathExists(dir)) {
    await rm(dir, { recursive: true, force: true });
    log(`lab: removed ${dir}`);
  }
}

/** What a stopped lab must not have left behind; empty when nothing is. */
export async function labLeftovers(labDir: string, exec: Exec = processExec): Promise<string[]> {
  const dir = resolve(labDir);
  const leftovers: string[] = [];
  if (await namespaceExists(exec, LAB_NAMESPACE)) leftovers.push(`namespace ${LAB_NAMESPACE}`);
  for (const found of await labProcesses(dir)) leftovers.push(`process ${found.pid}: ${found.argv.slice(0, 3).join(" ")}`);
  for (const name of await hostLabInterfaces(exec)) leftovers.push(`interface ${name} in the host's namespace`);
  if (await pathExists(dir)) leftovers.push(`directory ${dir}`);
  return leftovers;
}

export interface NodeStatus {
  name: string;
  qemu: "running" | "stopped";
  power: string;
  master: string | null;
}

/** Each node's qemu, its power as its BMC reports it over IPMI LAN (from inside the namespace) and the master it names. */
export async function labStatus(state: LabState, exec: Exec = processExec): Promise<NodeStatus[]> {
  return Promise.all(
    state.nodes.map(async (node): Promise<NodeStatus> => {
      const pid = await readPidFile(node.qemuPidFile);
      let power: string;
      try {
        const { stdout } = await exec.run([
          "ip", "netns", "exec", state.namespace,
          "ipmitool", "-I", "lanplus", "-C", "3", "-H", node.bmc.address, "-p", String(node.bmc.port), "-U", node.bmc.user, "-P", node.bmc.password,
          "chassis", "power", "status",
        ]);
        power = stdout.trim();
      } catch (error) {
        power = `BMC not answering (${(error as Error).message.split("\n")[0]})`;
      }
      const running = pid !== null && isAlive(pid);
      return { name: node.name, qemu: running ? "running" : "stopped", power, master: running ? await getmaster(node.qgaSocket) : null };
    }),
  );
}


function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
