import type { OpcodeInput } from "../../cluster/jobs/model.js";
import type { JobQueueApi } from "../../cluster/jobs/queue-api.js";
import type { ClusterState } from "../../cluster/state/schema.js";
import type { NodeView } from "../../model/node.js";
import type { InstanceDirectory } from "../local/instance-directory.js";

/**
 * What the RAPI server needs from the agent. Every node serves the RAPI:
 * reads are linearizable and writes go through the master, behind this
 * interface. Failures are AlkorErrors; their class sets the HTTP status.
 */
export interface RapiBackend {
  /** The job queue: submissions, job reads, long polls, cancellation. */
  jobs: JobQueueApi;
  /** A linearizable read of the cluster state, with the master's node name. */
  read(): Promise<{ state: ClusterState; masterName: string }>;
  /** The live view of the cluster's nodes (liveness, memory, disks, CPUs), as this agent hears them. */
  nodes(): Promise<NodeView[]>;
  /** Instances with what their primary nodes report, and each node's OS definitions (the agent's InstanceDirectory). */
  instances: InstanceDirectory;
  /** Ganeti's one-line summary of an opcode, e.g. "TAGS_SET(cluster)" (the opcode definition's summary()). */
  summarize(input: OpcodeInput): string;
  /** alkor's version, shown as /2/info's software_version. */
  softwareVersion: string;
}
