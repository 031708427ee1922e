import { AlkorError } from "../../model/errors.js";
import { balanceScorer, compareBalance, type Placement } from "./balance.js";
import type { Evaluation } from "./evaluation.js";
import { existingFailuresLine, nodeLine, rejectionReason, selectedLine } from "./explanation.js";
import { nodeFit, type NodeFit } from "./fit.js";
import { isMirrored, storageOf, type Allocation, type AllocationRequest, type AllocatorInstance, type AllocatorNode } from "./model.js";
import { failoverLoad, nodeFailures, type FailoverLoad, type NPlusOneFailure, type PeerLoad } from "./n-plus-one.js";
import { compareNames } from "./order.js";
import { validateInstances, validateNodes, validateRequest } from "./validate.js";

/**
 * Chooses the nodes for a new instance, as Ganeti's hail does for an
 * "allocate" request (htools Cluster.tryAlloc): every node that fits as
 * primary (and, for drbd, every other node that fits as secondary) is tried,
 * placements that would make a node newly fail N+1 are dropped, and the one
 * that leaves the cluster most balanced wins. Deterministic: equal scores go
 * to the first placement by node names.
 */
export function allocate(request: AllocationRequest, nodes: readonly AllocatorNode[], instances: readonly AllocatorInstance[]): Allocation {
  validateRequest(request);
  validateNodes(nodes);
  validateInstances(instances, nodes);
  if (instances.some((instance) => instance.name === request.name)) {
    throw new AlkorError("already_exists", `Instance ${request.name} already exists; the allocator places new instances only.`);
  }
  const fits = [...nodes].sort((a, b) => compareNames(a.name, b.name)).map((node) => nodeFit(node, request));
  const load = failoverLoad(instances);
  const existing = fits.filter((fit) => !fit.node.offline).flatMap((fit) => nodeFailures(fit.node.name, fit.node.memoryFreeMiB, load.get(fit.node.name)));
  // Sorted nodes: the spreads are summed in the same order whatever order the caller gave.
  const score = balanceScorer(fits.map((fit) => fit.node), storageOf(request.diskTemplate), request);
  const nPlusOne = addedFailures(request, nodes, load, existing);
  const evaluations = candidatePlacements(fits, request)
    .map((placement): Evaluation => ({ placement, balance: score(placement), breaks: nPlusOne(placement) }))
    .sort(bestFirst);
  const byPrimary = groupByPrimary(evaluations);

  const explanation = fits.map((fit) => nodeLine(fit, byPrimary.get(fit.node.name) ?? [], request));
  if (existing.length > 0) explanation.push(existingFailuresLine(existing));
  const keeping = evaluations.filter((evaluation) => evaluation.breaks.length === 0);
  const best = keeping[0];
  if (best === undefined) {
    const reasons = fits.map((fit) => rejectionReason(fit, byPrimary.get(fit.node.name) ?? [], request));
    throw new AlkorError("insufficient_resources", refusal(request, evaluations.length > 0, reasons), { explanation });
  }
  const ties = keeping.slice(1).filter((evaluation) => compareBalance(evaluation.balance, best.balance) === 0);
  explanation.push(selectedLine(best, keeping.length, ties, request));
  return { primary: best.placement.primary, secondary: best.placement.secondary, explanation };
}

/** Every placement that meets the capacity rules, before balance and N+1 are judged. */
function candidatePlacements(fits: readonly NodeFit[], request: AllocationRequest): Placement[] {
  const usable = fits.filter((fit) => fit.excluded.length === 0);
  const primaries = usable.filter((fit) => fit.asPrimary.length === 0).map((fit) => fit.node.name);
  if (!isMirrored(request.diskTemplate)) return primaries.map((primary) => ({ primary, secondary: null }));
  const secondaries = usable.filter((fit) => fit.asSecondary.length === 0).map((fit) => fit.node.name);
  // DRBD mirrors between two distinct nodes: the secondary is never the primary.
  return primaries.flatMap((primary) => secondaries.filter((secondary) => secondary !== primary).map((secondary) => ({ primary, secondary })));
}

/** Each primary's placements, best first. */
function groupByPrimary(evaluations: readonly Evaluation[]): Map<string, Evaluation[]> {
  const groups = new Map<string, Evaluation[]>();
  for (const evaluation of evaluations) {
    const group = groups.get(evaluation.placement.primary) ?? [];
    groups.set(evaluation.placement.primary, group);
    group.push(evaluation);
  }
  return groups;
}

/**
 * The N+1 failures a placement adds. Only its two nodes change: the primary
 * loses the instance's memory (the new instance is counted as running, since
 * instance add starts it), and the secondary would take it over should the
 * primary fail. htools refuses a move only when it makes a node newly fail
 * N+1 (Node.addPri / addSec: `new_failn1 && not (failN1 t)`); we judge each
 * (node, failed primary) pair, so a node already short for one peer does not
 * hide a new shortfall for another.
 */
function addedFailures(
  request: AllocationRequest,
  nodes: readonly AllocatorNode[],
  load: FailoverLoad,
  existing: readonly NPlusOneFailure[],
): (placement: Placement) => NPlusOneFailure[] {
  const known = new Set(existing.map(pairKey));
  const freeMemory = new Map(nodes.map((node) => [node.name, node.memoryFreeMiB]));
  const free = (name: string): number => freeMemory.get(name) ?? 0;
  return ({ primary, secondary }) => {
    const after = nodeFailures(primary, free(primary) - request.memoryMiB, load.get(primary));
    if (secondary !== null) {
      // Of the secondary's peers only the primary's load grows; the others stand as they were.
      const peer = load.get(secondary)?.get(primary) ?? { memoryMiB: 0, instances: [] };
      const grown: PeerLoad = { memoryMiB: peer.memoryMiB + request.memoryMiB, instances: [...peer.instances, request.name] };
      after.push(...nodeFailures(secondary, free(secondary), new Map([[primary, grown]])));
    }
    return after.filter((failure) => !known.has(pairKey(failure)));
  };
}

/** The most balanced first; equal ones by primary, then secondary name. */
function bestFirst(a: Evaluation, b: Evaluation): number {
  return (
    compareBalance(a.balance, b.balance) ||
    compareNames(a.placement.primary, b.placement.primary) ||
    compareNames(a.placement.secondary ?? "", b.placement.secondary ?? "")
  );
}

function pairKey(failure: NPlusOneFailure): string {
  return `${failure.node}\u0000${failure.primary}`;
}

function refusal(request: AllocationRequest, anyFits: boolean, reasons: readonly string[]): string {
  const storage = storageOf(request.diskTemplate);
  const needs = [`${request.memoryMiB} MiB memory`, ...(storage === null ? [] : [`${request.diskMiB} MiB ${storage} disk${isMirrored(request.diskTemplate) ? " on two nodes" : ""}`])];
  const what = `instance ${request.name} (${request.diskTemplate}, ${needs.join(", ")})`;
  if (reasons.length === 0) return `No node can take ${what}: the cluster has no nodes.`;
  const head = anyFits ? `Every placement of ${what} would break N+1 memory redundancy` : `No node can take ${what}`;
  return `${head}: ${reasons.join("; ")}.`;
}
