import { z } from "zod";
import type { ClusterState } from "../state/schema.js";
import type { OpcodeContext, OpcodeDefinition } from "./definition.js";

const Params = z.object({}).strict();
type Params = z.infer<typeof Params>;

interface Problem {
  severity: "error" | "warning";
  object: string;
  message: string;
}

/**
 * OP_CLUSTER_VERIFY: the checks alkor can make so far, each step logged as
 * Ganeti's verify logs it ("* Verifying ...", "- ERROR: ..."). The result says
 * whether it passed and lists the problems.
 */
export const clusterVerify: OpcodeDefinition<Params> = {
  id: "OP_CLUSTER_VERIFY",
  params: Params,
  locks: () => [{ level: "cluster", name: "cluster", mode: "shared" }],
  sideEffects: false,
  check() {},
  async run(_params, context) {
    const state = context.state();
    const problems: Problem[] = [];
    const report = async (step: string, found: Problem[]): Promise<void> => {
      await context.log(`* Verifying ${step}`);
      for (const problem of found) await context.log(`- ${problem.severity.toUpperCase()}: ${problem.object}: ${problem.message}`);
      problems.push(...found);
    };
    await report("global settings", globalProblems(state));
    await report(`node status (${Object.keys(state.nodes).length} nodes)`, nodeProblems(state, context));
    await report("job queue", queueProblems(state));
    return { result: { passed: !problems.some((problem) => problem.severity === "error"), problems }, effects: [] };
  },
};

function globalProblems(state: ClusterState): Problem[] {
  const nodes = Object.values(state.nodes);
  const eligible = nodes.filter((node) => node.masterCapable && !node.drained && !node.offline).length;
  const want = Math.min(state.cluster?.candidatePoolSize ?? 0, eligible);
  const have = nodes.filter((node) => node.masterCandidate).length;
  if (have >= want) return [];
  return [{ severity: "warning", object: "cluster", message: `${have} master candidates where the pool wants ${want}; the master promotes nodes when they are alive and caught up.` }];
}

function nodeProblems(state: ClusterState, context: OpcodeContext): Problem[] {
  return Object.values(state.nodes)
    .filter((node) => !node.offline)
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((node): Problem[] => {
      const liveness = context.services.liveness(node.uuid);
      const object = `node ${node.name}`;
      if (liveness === "dead") return [{ severity: "error", object, message: "the node is dead: the master has not heard its heartbeat; mark it offline (alkor-node modify -O yes) if it is down for good." }];
      if (liveness === "suspect") return [{ severity: "warning", object, message: "the node is suspect: its heartbeats are late." }];
      if (liveness === undefined) return [{ severity: "error", object, message: "the master has never heard from this node." }];
      return [];
    });
}

function queueProblems(state: ClusterState): Problem[] {
  return state.queue.drained ? [{ severity: "warning", object: "job queue", message: "the queue is drained: it refuses new jobs (alkor-cluster queue undrain)." }] : [];
}
