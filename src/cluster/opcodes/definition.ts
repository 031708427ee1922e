import type { z } from "zod";
import type { Clock } from "../../host/clock.js";
import type { Random } from "../../host/random.js";
import type { InstanceRpcMethods } from "../../node/instance-rpc-methods.js";
import type { ClusterCommand, ClusterState, ObjectCommand } from "../state/schema.js";

/** A resource a job locks while an opcode runs; levels are taken in this order (Ganeti's), names sorted within a level. */
export const lockLevels = ["cluster", "nodegroup", "node", "instance", "network"] as const;
export type LockLevel = (typeof lockLevels)[number];
export interface LockRequest {
  level: LockLevel;
  /** The entity's name; "cluster" for the cluster level. */
  name: string;
  mode: "shared" | "exclusive";
}

/** What an opcode's prerequisite check and steps may see and do. */
export interface OpcodeContext {
  /** The cluster state as this master has applied it. */
  state(): ClusterState;
  /** This master's node name. */
  masterName: string;
  /** Which job and opcode this is. */
  jobId: number;
  opIndex: number;
  /**
   * Adds a message to the job's log. An opcode with side effects commits it at
   * once, so waiting clients see progress; a pure one's messages are committed
   * with its end, so a run cut short by a master change leaves no trace.
   */
  log(message: string): Promise<void>;
  clock: Clock;
  /** Waits, on the injected clock. */
  sleep(ms: number): Promise<void>;
  /** Commits a change to the cluster state through Raft (for opcodes with side effects; pure ones return effects instead). */
  propose(command: ClusterCommand): Promise<void>;
  /** Everything else an opcode may reach: the node RPC, the membership, the local disk. */
  services: OpcodeServices;
}

/** The agent's services an opcode may use; each opcode names what it needs. */
export interface OpcodeServices {
  /** Tells a node it was added to this cluster (`alkor-node add`). */
  adopt(node: string): Promise<void>;
  /** Tells a node it was removed. */
  evict(node: string): Promise<void>;
  /** Nodes discovered on the management network, for OP_NODE_ADD. */
  discovered(): Array<{ uuid: string; name: string; address: string; brokerPort: number; alive: boolean; cluster: { name: string } | null }>;
  /** A node's liveness in this master's membership table. */
  liveness(nodeUuid: string): "alive" | "suspect" | "dead" | undefined;
  /** Appends a line to this node's record of test-opcode executions (OP_TEST_DELAY with alkor_record). */
  recordTestExecution(line: string): Promise<void>;
  /** Asks a node's agent to act for an instance (node RPC). */
  nodeRpc: NodeRpcCall;
  /** UUIDs and MACs of new instances. */
  random: Random;
}

export type NodeRpcCall = <K extends keyof InstanceRpcMethods & string>(
  node: string,
  method: K,
  params: z.input<InstanceRpcMethods[K]["params"]>,
  timeoutMs?: number,
) => Promise<z.infer<InstanceRpcMethods[K]["result"]>>;

export interface OpcodeOutcome {
  /** The opcode's result, as JSON; shown as opresult. */
  result: unknown;
  /** State changes committed together with the opcode's end, in one Raft entry: all or nothing, and never twice. */
  effects: ObjectCommand[];
}

/**
 * One opcode (one file each under src/cluster/opcodes/): its parameters, the
 * locks it needs, its prerequisite checks and its steps.
 *
 * - A pure opcode (sideEffects false) only computes effects on the cluster
 *   state; they commit with its end, so a master failover before that commit
 *   simply runs it again, and after it never.
 * - An opcode with side effects outside the state (RPCs to nodes, waiting)
 *   commits a start marker first; a new master finding it started but not
 *   ended never runs it again: it fails the job with a sentence saying so.
 */
export interface OpcodeDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  id: `OP_${string}`;
  /** The parameters besides OP_ID and Ganeti's common ones (dry_run, debug_level, priority, depends, comment, reason); strict. */
  params: z.ZodType<P, unknown>;
  locks(params: P, state: ClusterState): LockRequest[];
  sideEffects: boolean;
  /** Prerequisites: throws an AlkorError naming what is wrong; reads only, changes nothing. */
  check(params: P, context: OpcodeContext): void;
  run(params: P, context: OpcodeContext): Promise<OpcodeOutcome>;
}
