import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { z } from "zod";
import { AlkorError } from "../model/errors.js";
import { labStateFile } from "./layout.js";

/**
 * The state file of a running lab (`<labDir>/lab.json`): what `stop`, `status`
 * and the tests' harness need to find every node, its BMC and its sockets.
 * Written first thing at start and after every step, so a partial start
 * leaves a record of what it made.
 */
const LabNodeStateSchema = z
  .object({
    name: z.string(),
    address: z.string(),
    /** The lab nodes have one NIC: DRBD replicates over the management address. */
    replicationAddress: z.string(),
    mac: z.string(),
    tap: z.string(),
    /** The data disk as the guest sees it. */
    dataDisk: z.string(),
    bmc: z.object({ address: z.string(), port: z.number().int(), user: z.string(), password: z.string() }).strict(),
    bmcChardevPort: z.number().int(),
    dir: z.string(),
    qgaSocket: z.string(),
    console: z.string(),
    qemuPidFile: z.string(),
    kernelCmdline: z.string(),
    ipmiSimPid: z.number().int().nullable(),
    qemuPid: z.number().int().nullable(),
  })
  .strict();
export type LabNodeState = z.infer<typeof LabNodeStateSchema>;

export const LabStateSchema = z
  .object({
    version: z.literal(1),
    namespace: z.string(),
    bridge: z.string(),
    gateway: z.string(),
    labDir: z.string(),
    imageDir: z.string(),
    /** What qemu gives each node (-smp, -m). */
    nodeCpus: z.number().int(),
    nodeMemoryMiB: z.number().int(),
    cluster: z.object({ name: z.string(), ip: z.string(), joinToken: z.string(), expectedNodes: z.number().int() }).strict(),
    /** ms since the epoch: when `start` began. */
    startedAt: z.number(),
    /** When every node's qemu was running. */
    poweredOnAt: z.number().nullable(),
    /** When every node's agent answered its control socket. */
    agentsUpAt: z.number().nullable(),
    /** When every node named the same master (`alkor-cluster getmaster`). */
    clusterFormedAt: z.number().nullable(),
    master: z.string().nullable(),
    nodes: z.array(LabNodeStateSchema),
  })
  .strict();
export type LabState = z.infer<typeof LabStateSchema>;

export async function readLabState(labDir: string): Promise<LabState | null> {
  const path = labStateFile(labDir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed = LabStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new AlkorError("wrong_input", `The lab state file ${path} is not one this runner wrote: ${parsed.error.message}`);
  return parsed.data;
}

/** Replaces the state file whole (temp file, rename): a reader never sees half of it. */
export async function writeLabState(state: LabState): Promise<void> {
  const path = labStateFile(state.labDir);
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, path);
}
