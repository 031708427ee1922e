import { ClusterCommands } from "../../../src/cluster/cluster-commands.js";
import { jobEnded, type JobStatus, type OpcodeInput } from "../../../src/cluster/jobs/model.js";
import { AlkorError, asAlkorError, type ErrorCode } from "../../../src/model/errors.js";
import type { SimCluster } from "./sim-cluster.js";
import type { Life, SimNode } from "./sim-node.js";

export type Command =
  | { kind: "delay"; seconds: number }
  | { kind: "network"; node: string; up: boolean }
  | { kind: "partition"; sides: string[][] }
  | { kind: "heal" }
  | { kind: "crash" | "restart" | "failover" | "read"; node: string }
  | { kind: "modify"; node: string; masterCandidate: boolean; force: boolean }
  | { kind: "pool"; size: number };

const grammar: Array<[RegExp, (match: string[]) => Command]> = [
  [/^delay (\d+(?:\.\d+)?)$/, ([, seconds]) => ({ kind: "delay", seconds: Number(seconds) })],
  [/^network (\S+) (on|off)$/, ([, node, state]) => ({ kind: "network", node: node!, up: state === "on" })],
  [/^partition ([^|]+(?:\|[^|]+)+)$/, ([, sides]) => ({ kind: "partition", sides: sides!.split("|").map((side) => side.trim().split(/\s+/)) })],
  [/^heal$/, () => ({ kind: "heal" })],
  [/^(crash|restart|failover|read) (\S+)$/, ([, kind, node]) => ({ kind: kind as "crash", node: node! })],
  [/^modify (\S+) -C (yes|no)( --force)?$/, ([, node, flag, force]) => ({ kind: "modify", node: node!, masterCandidate: flag === "yes", force: force !== undefined })],
  [/^pool (\d+)$/, ([, size]) => ({ kind: "pool", size: Number(size) })],
];

export const commandSyntax = [
  "delay SECONDS",
  "network NODE on|off",
  "partition NODE... | NODE... [| NODE...]",
  "heal",
  "crash NODE",
  "restart NODE",
  "failover NODE",
  "read NODE",
  "modify NODE -C yes|no [--force]",
  "pool SIZE",
];

/** A cmdlist: one command a line, in the order they run; blank lines and # comments are skipped. */
export function parseCmdlist(text: string): Array<{ text: string; command: Command }> {
  return text.split("\n").flatMap((raw, index) => {
    const line = raw.replace(/#.*/, "").trim().replace(/\s+/g, " ");
    if (line === "") return [];
    for (const [pattern, build] of grammar) {
      const match = pattern.exec(line);
      if (match) return [{ text: line, command: build([...match]) }];
    }
    throw new AlkorError("wrong_input", `cmdlist line ${index + 1}: "${line}" is not a command; write one of: ${commandSyntax.join(", ")}.`);
  });
}

/** Longer than any command waits inside the cluster code (proposal timeout 10 s, reads 3 s). */
const commandLimitMs = 60_000;

/**
 * Runs one command. A refusal or failure in the cluster is part of the log; a command
 * the scenario cannot mean (an unknown node, crashing a node that is down) throws.
 */
export async function runCommand(sim: SimCluster, command: Command, note: (text: string) => void): Promise<void> {
  switch (command.kind) {
    case "delay":
      return sim.advance(command.seconds * 1000);
    case "network":
      return sim.network.setLink(sim.node(command.node).name, command.up);
    case "partition": {
      const listed = command.sides.flat().map((name) => sim.node(name).name).sort();
      const all = sim.nodes.map((node) => node.name).sort();
      if (listed.join() !== all.join()) throw new AlkorError("wrong_input", `A partition must place every node on exactly one side: ${all.join(" ")}.`);
      return sim.network.partition(command.sides);
    }
    case "heal":
      return sim.network.heal();
    case "crash":
      return sim.crash(command.node);
    case "restart":
      return sim.start(command.node);
    case "failover":
      return operate(sim, sim.node(command.node), note, async (commands) => `${await commands.failover()} is the master now`);
    case "read":
      return operate(sim, sim.node(command.node), note, async (commands, life) => {
        const { state, master } = await commands.read();
        return `read serial ${state.serial}, confirmed by master ${life.service.nodeName(master) ?? master}`;
      });
    case "modify": {
      const { node, masterCandidate, force } = command;
      const name = sim.node(node).name;
      return operate(sim, atClusterIp(sim), note, async (_commands, life) => {
        await runJob(life, { OP_ID: "OP_NODE_SET_PARAMS", node_name: name, master_candidate: masterCandidate, force });
        const modified = Object.values(life.service.state.nodes).find((candidate) => candidate.name === name)!;
        return `${modified.name} is ${modified.masterCandidate ? "" : "not "}a master candidate`;
      });
    }
    case "pool":
      return operate(sim, atClusterIp(sim), note, async (commands, life) => {
        await runJob(life, { OP_ID: "OP_CLUSTER_SET_PARAMS", candidate_pool_size: command.size });
        const info = await commands.info();
        return `the candidate pool size is ${info.candidatePoolSize}; candidates ${info.candidates.join(" ")}`;
      });
  }
}

/** Submits a one-opcode job and waits for it to end, as the alkor-* commands do; a failed job throws its error. */
async function runJob(life: Life, op: OpcodeInput): Promise<void> {
  const id = await life.jobs.submit([op], { submittedBy: "scenario" });
  let known: { status: JobStatus | null; logSerial: number } = { status: null, logSerial: 0 };
  for (;;) {
    const job = (await life.jobs.waitForChange(id, known, 10_000)) ?? (await life.jobs.get(id));
    if (jobEnded(job.status)) {
      const failed = job.ops.find((candidate) => candidate.status === "error");
      if (failed) {
        const { code, message } = failed.result as { code: ErrorCode; message: string };
        throw new AlkorError(code, message);
      }
      if (job.status !== "success") throw new AlkorError("wrong_state", `Job ${id} ended ${job.status}.`);
      return;
    }
    known = { status: job.status, logSerial: job.logSerial };
  }
}

/** The operator reaches the cluster through its IP: the node holding it runs the command, or none does. */
function atClusterIp(sim: SimCluster): SimNode | undefined {
  return sim.nodes.find((node) => node.address.current !== null);
}

/** Runs an operator command on a node, as its local control API would, and logs the answer. */
async function operate(sim: SimCluster, node: SimNode | undefined, note: (text: string) => void, action: (commands: ClusterCommands, life: Life) => Promise<string>): Promise<void> {
  const life = node?.currentLife;
  if (!node || !life) {
    note(`  failed: ${node ? `${node.name} is down` : "no node holds the cluster IP"}`);
    return;
  }
  const commands = new ClusterCommands(life.service, node.uuid);
  const outcome = await sim.finish(action(commands, life), commandLimitMs);
  if (outcome.ok) note(`  done on ${node.name}: ${outcome.value}`);
  else {
    const error = asAlkorError(outcome.error);
    note(`  failed on ${node.name} (${error.code}): ${error.message}`);
  }
}
