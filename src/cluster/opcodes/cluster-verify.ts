import { z } from "zod";
import { describeFailure, nPlusOneFailures } from "../allocator/index.js";
import { allocatorInstances, allocatorNodes } from "../instances/allocator-input.js";
import { auditDisks, diskInventories, type DiskAudit } from "../instances/disk-audit.js";
import { isRunning } from "../instances/instance-status.js";
import { observe } from "../instances/instance-view.js";
import { nodeReports, type NodeReportResult } from "../instances/node-reports.js";
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
    const vmNodes = Object.values(state.nodes).filter((node) => !node.offline && node.vmCapable);
    const [reports, inventories] = await Promise.all([nodeReports(state, vmNodes, context.services.nodeRpc), diskInventories(state, vmNodes, context.services.nodeRpc)]);
    await report(`instances (${Object.keys(state.instances).length} instances)`, instanceProblems(state, reports));
    const disks = auditDisks(state, inventories);
    const busy = diskChangingJobs(state);
    await report("instance disks", [...missingDiskProblems(disks), ...(disks.missing.length > 0 ? busy : [])]);
    await report("orphan volumes", [...disks.unknown.map(({ node, template, location }): Problem => ({ severity: "warning", object: `node ${node}`, message: `${template === "plain" ? "volume" : "disk file"} ${location} is unknown` })), ...(disks.unknown.length > 0 ? busy : [])]);
    await report("N+1 memory redundancy", nPlusOneProblems(state, reports));
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
    // The master runs this check, so it is alive; its membership table holds only its peers.
    .filter((node) => !node.offline && node.name !== context.masterName)
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

/** Configured against actual: an instance running where it should not, stopped where it should run, or a domain no instance owns. */
function instanceProblems(state: ClusterState, results: readonly NodeReportResult[]): Problem[] {
  const reports = new Map(results.map((result) => [result.node.uuid, "report" in result ? result.report : { error: result.error }]));
  const problems: Problem[] = [];
  for (const instance of Object.values(state.instances).sort((a, b) => a.name.localeCompare(b.name))) {
    const object = `instance ${instance.name}`;
    const observation = observe(instance, state, reports);
    const running = isRunning(observation);
    if (observation.kind === "node-down") problems.push({ severity: "error", object, message: `its primary node did not report: ${observation.reason}` });
    else if (instance.adminState === "up" && !running) problems.push({ severity: "error", object, message: "instance not running on its primary node" });
    else if (instance.adminState !== "up" && running) problems.push({ severity: "error", object, message: "instance should not run, but is running on its primary node" });
    for (const result of results) {
      if (result.node.uuid === instance.primaryNode || !("report" in result)) continue;
      if (result.report.domains.some((domain) => domain.name === instance.name && domain.state === "running")) {
        problems.push({ severity: "error", object, message: `instance is running on ${result.node.name}, which is not its primary node` });
      }
    }
  }
  const names = new Set(Object.values(state.instances).map((instance) => instance.name));
  for (const result of results) {
    if (!("report" in result)) continue;
    for (const domain of result.report.domains) {
      if (!names.has(domain.name)) problems.push({ severity: "warning", object: `node ${result.node.name}`, message: `domain ${domain.name} (${domain.state}) is not an instance of this cluster` });
    }
  }
  return problems;
}

function missingDiskProblems({ missing, unlisted }: DiskAudit): Problem[] {
  return [
    ...unlisted.map(({ node, template, error }): Problem => ({ severity: "error", object: `node ${node}`, message: `its ${template === null ? "" : `${template} `}disks could not be listed: ${error}` })),
    ...missing.map(({ instance, index, diskUuid, node }): Problem => ({ severity: "error", object: `instance ${instance}`, message: `disk/${index} (${diskUuid}) is missing on node ${node}` })),
  ];
}

/** Opcodes that make or remove disks on the way to changing the configuration: while one runs, its disks may be counted before it ends. */
const diskChangingOpcodes = new Set(["OP_INSTANCE_CREATE", "OP_INSTANCE_REMOVE", "OP_INSTANCE_SET_PARAMS", "OP_INSTANCE_RECREATE_DISKS"]);

function diskChangingJobs(state: ClusterState): Problem[] {
  return Object.values(state.jobs).flatMap((job) =>
    job.ops
      .filter((op) => op.status === "running" && diskChangingOpcodes.has(op.input.OP_ID))
      .map((op): Problem => ({ severity: "warning", object: `job ${job.id}`, message: `it is still changing instance disks (${op.input.OP_ID}); what it makes or removes shows above until it ends.` })),
  );
}

function nPlusOneProblems(state: ClusterState, results: readonly NodeReportResult[]): Problem[] {
  const nodes = allocatorNodes(state, results);
  return nPlusOneFailures(nodes, allocatorInstances(state, nodes)).map((failure) => ({ severity: "error", object: `node ${failure.node}`, message: describeFailure(failure) }));
}

function queueProblems(state: ClusterState): Problem[] {
  return state.queue.drained ? [{ severity: "warning", object: "job queue", message: "the queue is drained: it refuses new jobs (alkor-cluster queue undrain)." }] : [];
}
