import { describeBalance } from "./balance.js";
import type { Evaluation } from "./evaluation.js";
import type { NodeFit } from "./fit.js";
import { isMirrored, storageOf, type AllocationRequest } from "./model.js";
import { describeFailure, type NPlusOneFailure } from "./n-plus-one.js";

/**
 * The sentences the job log shows for an allocation: one per node considered,
 * then the choice, so an operator can see why a node was or was not taken.
 */

/** One node's line; `own` are the placements with this node as primary, best first. */
export function nodeLine(fit: NodeFit, own: readonly Evaluation[], request: AllocationRequest): string {
  const name = fit.node.name;
  if (fit.excluded.length > 0) return `${name}: not considered: ${fit.excluded.join(" and ")}.`;
  const storage = storageOf(request.diskTemplate);
  if (!isMirrored(request.diskTemplate)) {
    if (fit.asPrimary.length > 0) return `${name}: rejected: ${fit.asPrimary.join(" and ")}.`;
    const evaluation = own[0]!;
    const figures = storage === null ? `${fit.node.memoryFreeMiB} MiB free memory` : `${fit.node.memoryFreeMiB} MiB free memory, ${fit.node.diskFreeMiB[storage]} MiB free ${storage} disk`;
    const line = `${name}: fits (${figures}); placed here, the cluster would have ${describeBalance(evaluation.balance, storage)}.`;
    return evaluation.breaks.length === 0 ? line : `${line} Refused: it would break N+1 memory redundancy: ${evaluation.breaks.map(describeFailure).join("; ")}.`;
  }
  if (fit.asSecondary.length > 0) return `${name}: rejected: ${[...new Set([...fit.asPrimary, ...fit.asSecondary])].join(" and ")}.`;
  // Short of memory only: it has room for the disks, but N+1 needs that same memory on the secondary, so it is weighed there and refused.
  if (fit.asPrimary.length > 0) return `${name}: cannot be primary: ${fit.asPrimary.join(" and ")}.`;
  if (own.length === 0) return `${name}: fits as primary and secondary, but no other node can be its secondary.`;
  const keeping = own.filter((evaluation) => evaluation.breaks.length === 0);
  if (keeping.length === 0) {
    const first = own[0]!;
    return `${name}: fits as primary and secondary, but every placement with it as primary would break N+1 memory redundancy, e.g. with ${first.placement.secondary} as secondary: ${describeFailure(first.breaks[0]!)}.`;
  }
  const best = keeping[0]!;
  const refused = own.length - keeping.length;
  const refusedNote =
    refused === 0 ? "" : ` (${refused} of its ${own.length} placements as primary would break N+1 and ${refused === 1 ? "is" : "are"} refused)`;
  return `${name}: fits as primary and secondary; at best, as primary with ${best.placement.secondary} as secondary, the cluster would have ${describeBalance(best.balance, storage)}${refusedNote}.`;
}

/** What the cluster already fails before the placement: reported, but it blocks nothing. */
export function existingFailuresLine(failures: readonly NPlusOneFailure[]): string {
  return (
    `N+1 memory redundancy already fails before this placement (counting each instance's maxmem): ${failures.map(describeFailure).join("; ")}. ` +
    "As in htools, only placements that would add a failure are refused."
  );
}

const maxTiesNamed = 5;

export function selectedLine(best: Evaluation, keepingCount: number, ties: readonly Evaluation[], request: AllocationRequest): string {
  const { primary, secondary } = best.placement;
  const who = secondary === null ? `${primary} (primary; ${request.diskTemplate} instances have no secondary)` : `${primary} (primary) and ${secondary} (secondary)`;
  const why =
    keepingCount === 1
      ? "the only placement that fits and keeps N+1 memory redundancy"
      : `the most balanced of the ${keepingCount} placements that fit and keep N+1 memory redundancy`;
  const line = `Selected ${who}: ${why} (${describeBalance(best.balance, storageOf(request.diskTemplate))}).`;
  if (ties.length === 0) return line;
  // Identical nodes can tie by the hundred in a large cluster; a few names make the point.
  const named = ties.slice(0, maxTiesNamed).map(placementName);
  const others = ties.length - named.length;
  const list = others === 0 ? named.join(", ") : `${named.join(", ")} and ${others} other placement${others === 1 ? "" : "s"}`;
  return `${line} It ties with ${list} and comes first by name.`;
}

/** Why a node could take no part in any placement, for the insufficient_resources message. */
export function rejectionReason(fit: NodeFit, own: readonly Evaluation[], request: AllocationRequest): string {
  const name = fit.node.name;
  if (fit.excluded.length > 0) return `${name}: ${fit.excluded.join(" and ")}`;
  const mirrored = isMirrored(request.diskTemplate);
  if (mirrored && fit.asSecondary.length > 0) return `${name}: ${[...new Set([...fit.asPrimary, ...fit.asSecondary])].join(" and ")}`;
  if (fit.asPrimary.length > 0) return `${name}: ${fit.asPrimary.join(" and ")}`;
  if (own.length === 0) return `${name}: fits, but no other node can be its secondary`;
  const first = own[0]!;
  const role = mirrored ? `as primary with ${first.placement.secondary} as secondary` : "as primary";
  return `${name}: ${role}, ${describeFailure(first.breaks[0]!)}`;
}

function placementName({ placement }: Evaluation): string {
  return placement.secondary === null ? placement.primary : `${placement.primary}/${placement.secondary}`;
}
