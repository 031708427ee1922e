import type { AllocatorInstance, AllocatorNode } from "./model.js";
import { compareNames } from "./order.js";
import { validateInstances, validateNodes } from "./validate.js";

/**
 * N+1 memory redundancy, as htools checks it (Node.rMem, Node.failN1): a node
 * must have the free memory to start, should any one other node fail, every
 * running instance whose primary is that node and whose secondary it is.
 * Each instance counts with its maxmem. Instances without a secondary
 * (diskless, file, plain) cannot fail over, so they add nothing here; they
 * only use up their primary's free memory.
 */

export interface NPlusOneFailure {
  /** The node that would have to take the instances over. */
  node: string;
  /** The node whose failure it could not absorb. */
  primary: string;
  needMiB: number;
  freeMiB: number;
  /** The running instances that would fail over from `primary`, by name. */
  from: string[];
}

/** What one node would take over if a given primary failed (one entry of htools' Node.peers). */
export interface PeerLoad {
  memoryMiB: number;
  instances: string[];
}

/** Per secondary node, per primary node: the running instances that would fail over. */
export type FailoverLoad = ReadonlyMap<string, ReadonlyMap<string, PeerLoad>>;

export function failoverLoad(instances: readonly AllocatorInstance[]): FailoverLoad {
  const load = new Map<string, Map<string, PeerLoad>>();
  for (const instance of [...instances].sort((a, b) => compareNames(a.name, b.name))) {
    // Ganeti's cluster verify leaves out instances that are administratively down: nobody restarts them elsewhere.
    if (instance.secondary === null || !instance.running) continue;
    const peers = load.get(instance.secondary) ?? new Map<string, PeerLoad>();
    load.set(instance.secondary, peers);
    const peer = peers.get(instance.primary) ?? { memoryMiB: 0, instances: [] };
    peers.set(instance.primary, { memoryMiB: peer.memoryMiB + instance.memoryMiB, instances: [...peer.instances, instance.name] });
  }
  return load;
}

/** A node's failures, one per primary it could not absorb, by the primary's name. */
export function nodeFailures(node: string, freeMiB: number, peers: ReadonlyMap<string, PeerLoad> | undefined): NPlusOneFailure[] {
  const failures: NPlusOneFailure[] = [];
  for (const [primary, peer] of peers ?? []) {
    if (peer.memoryMiB > freeMiB) failures.push({ node, primary, needMiB: peer.memoryMiB, freeMiB, from: peer.instances });
  }
  return failures.sort((a, b) => compareNames(a.primary, b.primary));
}

/** Every N+1 failure in the cluster, by node then failed primary; none in a healthy cluster. */
export function nPlusOneFailures(nodes: readonly AllocatorNode[], instances: readonly AllocatorInstance[]): NPlusOneFailure[] {
  validateNodes(nodes);
  validateInstances(instances, nodes);
  const load = failoverLoad(instances);
  return [...nodes]
    .sort((a, b) => compareNames(a.name, b.name))
    // An offline node's figures are not known, and Ganeti's verify does not check it; its instances' loss shows elsewhere.
    .filter((node) => !node.offline)
    .flatMap((node) => nodeFailures(node.name, node.memoryFreeMiB, load.get(node.name)));
}

/** The sentence an operator reads for one failure. */
export function describeFailure(failure: NPlusOneFailure): string {
  return (
    `${failure.node} could not take over ${failure.primary}'s instances (${failure.from.join(", ")}) if ${failure.primary} failed: ` +
    `${failure.needMiB} MiB needed, ${failure.freeMiB} MiB free`
  );
}
