import { jobStatuses } from "../../cluster/jobs/model.js";
import type { ClusterState } from "../../cluster/state/schema.js";
import { LivenessSchema, NodeRoleSchema } from "../../model/node.js";
import type { NodeRow } from "./node-fields.js";

/** Prometheus's text exposition format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Upper bounds of the opcode duration buckets, in seconds: from a tag change to an instance install. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

/**
 * The cluster's metrics, computed from one read of the cluster state and
 * this agent's view of the nodes. The opcode histogram covers the ended
 * opcodes of the jobs not archived yet, so its counts drop when jobs are
 * archived (a scrape sees the recent past, not a counter since start).
 */
export function renderMetrics(state: ClusterState, nodes: readonly NodeRow[]): string {
  const out = new Exposition();
  const jobs = Object.values(state.jobs);

  out.family("alkor_jobs", "gauge", "Jobs not archived yet, by status.");
  for (const status of jobStatuses) out.sample("alkor_jobs", { status }, jobs.filter((job) => job.status === status).length);

  out.family("alkor_job_queue_depth", "gauge", "Jobs waiting to run (queued or waiting for locks).");
  out.sample("alkor_job_queue_depth", {}, jobs.filter((job) => job.status === "queued" || job.status === "waiting").length);

  out.family("alkor_job_queue_drained", "gauge", "1 while the job queue is drained (takes no new jobs), else 0.");
  out.sample("alkor_job_queue_drained", {}, state.queue.drained ? 1 : 0);

  out.family("alkor_opcode_duration_seconds", "histogram", "Run time of the ended opcodes of the jobs not archived yet, by opcode.");
  const durations = new Map<string, number[]>();
  for (const op of jobs.flatMap((job) => job.ops)) {
    if (op.startedAt === null || op.endedAt === null) continue;
    const list = durations.get(op.input.OP_ID) ?? [];
    list.push((op.endedAt - op.startedAt) / 1000);
    durations.set(op.input.OP_ID, list);
  }
  for (const [opcode, seconds] of [...durations].sort(([a], [b]) => a.localeCompare(b))) {
    for (const bound of DURATION_BUCKETS) {
      out.sample("alkor_opcode_duration_seconds_bucket", { opcode, le: String(bound) }, seconds.filter((value) => value <= bound).length);
    }
    out.sample("alkor_opcode_duration_seconds_bucket", { opcode, le: "+Inf" }, seconds.length);
    out.sample("alkor_opcode_duration_seconds_sum", { opcode }, seconds.reduce((sum, value) => sum + value, 0));
    out.sample("alkor_opcode_duration_seconds_count", { opcode }, seconds.length);
  }

  out.family("alkor_nodes", "gauge", "Cluster nodes by liveness as this agent hears them (dead includes never heard).");
  for (const liveness of LivenessSchema.options) {
    out.sample("alkor_nodes", { liveness }, nodes.filter((row) => (row.view?.status ?? "dead") === liveness).length);
  }

  out.family("alkor_nodes_by_role", "gauge", "Cluster nodes by role.");
  for (const role of NodeRoleSchema.options) out.sample("alkor_nodes_by_role", { role }, nodes.filter((row) => row.role === role).length);

  out.family("alkor_node_drained", "gauge", "1 for a drained node (no new instances), else 0.");
  for (const row of nodes) out.sample("alkor_node_drained", { node: row.node.name }, row.node.drained ? 1 : 0);

  return out.text();
}

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: "gauge" | "histogram", help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, labels: Record<string, string>, value: number): void {
    const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabel(text)}"`);
    this.lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${value}`);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
function escapeLabel(text: string): string {
  return text.replace(/[\\"\n]/g, (character) => (character === "\n" ? "\\n" : `\\${character}`));
}
