import { appendFileSync } from "node:fs";
import type { Exec } from "../../src/host/exec.js";
import { GuestAgentExec } from "../../src/lab/guest-agent.js";
import { DEFAULT_LAB_DIR, LAB_NAMESPACE } from "../../src/lab/layout.js";
import { namespaceExists } from "../../src/lab/network.js";
import { readLabState, type LabState } from "../../src/lab/state.js";
import { processExec } from "../../src/host/exec.js";

/**
 * The running qemu lab (make lab), as the lab tests see it: its nodes, their
 * BMCs, and a way to run commands inside each guest (through its qemu guest
 * agent). The lab's state file says where everything is.
 */
export interface LabNode {
  name: string;
  /** Management address on the lab segment, 10.253.0.0/24. */
  address: string;
  /** The lab nodes have one NIC: the same as `address`. */
  replicationAddress: string;
  /** The data disk as the guest sees it (/dev/vdb). */
  dataDisk: string;
  /** The node's own BMC (ipmi_sim), reachable over IPMI LAN (lanplus, -C 3) from every guest. */
  bmc: { address: string; port: number; user: string; password: string };
  /** Runs a command in the guest; a non-zero exit rejects with environment_error carrying stderr. */
  exec: Exec;
}

export interface Lab {
  nodes: LabNode[];
  node(name: string): LabNode;
  /** Until the node's alkord answers its control socket (`alkor-cluster status --json` succeeds). */
  waitForAgent(name: string, timeoutMs: number): Promise<void>;
}

const labDir = process.env.ALKOR_LAB_DIR ?? DEFAULT_LAB_DIR;

export async function openLab(): Promise<Lab> {
  const state = await readLabState(labDir);
  if (state === null || !(await namespaceExists(processExec, LAB_NAMESPACE))) throw new Error("no lab is running; run make lab");
  const nodes = state.nodes.map(
    (node): LabNode => ({
      name: node.name,
      address: node.address,
      replicationAddress: node.replicationAddress,
      dataDisk: node.dataDisk,
      bmc: { ...node.bmc },
      exec: new GuestAgentExec(node.qgaSocket),
    }),
  );
  const node = (name: string): LabNode => {
    const found = nodes.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`The lab has no node ${name} (it has ${nodes.map((n) => n.name).join(", ")}).`);
    return found;
  };
  return {
    nodes,
    node,
    async waitForAgent(name, timeoutMs) {
      const { exec } = node(name);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await exec.run(["/usr/local/bin/alkor-cluster", "status", "--json"], { timeoutMs: Math.max(1000, Math.min(30_000, deadline - Date.now())) });
          return;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`${name}'s agent did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },
  };
}

/** The lab's state file as the runner wrote it: start time, cluster-formed time, pids. */
export async function labState(): Promise<LabState> {
  const state = await readLabState(labDir);
  if (state === null) throw new Error("no lab is running; run make lab");
  return state;
}

/**
 * A figure the lab tier reports (boot-to-cluster time, sync rate, ...):
 * `make lab-test` prints them all at the end (ALKOR_LAB_FIGURES names the
 * file it collects them in); tests also t.log them.
 */
export function recordFigure(line: string): void {
  const file = process.env.ALKOR_LAB_FIGURES;
  if (file) appendFileSync(file, `${line}\n`);
}
