import type { AllocationRequest, AllocatorNode, StorageKind } from "./model.js";

/**
 * How balanced the cluster would be after a placement. htools scores a
 * cluster by the standard deviations of its nodes' used ratios (Cluster.compCV:
 * memory, disk, cpu, ...) and hail picks the placement with the lowest score;
 * we keep its two figures that matter here, compared in order rather than
 * summed, so that memory decides and disk only breaks ties.
 */
export interface Balance {
  /** Standard deviation of the memory-used ratio (0..1) across the nodes that can run instances. */
  memorySpread: number;
  /** The same for the disk storage the template uses; 0 for diskless. */
  diskSpread: number;
}

export interface Placement {
  primary: string;
  secondary: string | null;
}

// Spreads that differ by less than this are equal: the same ratios summed in another order may differ in the last bits.
const epsilon = 1e-9;

/**
 * Scores placements against one cluster: the used ratios before the placement
 * are worked out once, and each placement only changes its one or two nodes.
 */
export function balanceScorer(nodes: readonly AllocatorNode[], storage: StorageKind | null, request: AllocationRequest): (placement: Placement) => Balance {
  const memory = new Ratios();
  const disk = new Ratios();
  for (const node of nodes) {
    // Offline nodes have no figures and non-vm_capable ones run no instances: neither is part of the balance.
    if (node.offline || !node.vmCapable) continue;
    if (node.memoryTotalMiB > 0) memory.add(node.name, node.memoryTotalMiB - node.memoryFreeMiB, node.memoryTotalMiB);
    const diskTotal = storage === null ? undefined : node.diskTotalMiB[storage];
    const diskFree = storage === null ? undefined : node.diskFreeMiB[storage];
    if (diskTotal !== undefined && diskFree !== undefined && diskTotal > 0) disk.add(node.name, diskTotal - diskFree, diskTotal);
  }
  return ({ primary, secondary }) => ({
    memorySpread: memory.spreadWith(request.memoryMiB, primary),
    diskSpread: storage === null ? 0 : disk.spreadWith(request.diskMiB, primary, secondary),
  });
}

export function balanceAfter(nodes: readonly AllocatorNode[], storage: StorageKind | null, request: AllocationRequest, placement: Placement): Balance {
  return balanceScorer(nodes, storage, request)(placement);
}

/** Used and total MiB per node, in a fixed order so every placement sums the same way. */
class Ratios {
  private readonly names: string[] = [];
  private readonly used: number[] = [];
  private readonly totals: number[] = [];

  add(name: string, usedMiB: number, totalMiB: number): void {
    this.names.push(name);
    this.used.push(usedMiB);
    this.totals.push(totalMiB);
  }

  /** Population standard deviation of the used ratios once `addedMiB` lands on each named node; 0 for no nodes. */
  spreadWith(addedMiB: number, first: string, second: string | null = null): number {
    const count = this.names.length;
    if (count === 0) return 0;
    const ratio = (i: number): number => {
      const name = this.names[i];
      return (this.used[i]! + (name === first || name === second ? addedMiB : 0)) / this.totals[i]!;
    };
    let sum = 0;
    for (let i = 0; i < count; i++) sum += ratio(i);
    const mean = sum / count;
    let squares = 0;
    for (let i = 0; i < count; i++) squares += (ratio(i) - mean) ** 2;
    return Math.sqrt(squares / count);
  }
}

/** Negative when `a` leaves the cluster better balanced than `b`, 0 when they are equal. */
export function compareBalance(a: Balance, b: Balance): number {
  if (Math.abs(a.memorySpread - b.memorySpread) > epsilon) return a.memorySpread - b.memorySpread;
  if (Math.abs(a.diskSpread - b.diskSpread) > epsilon) return a.diskSpread - b.diskSpread;
  return 0;
}

/** "memory use spread 4.2%, plain disk use spread 1.3%": the figures as the explanation shows them. */
export function describeBalance(balance: Balance, storage: StorageKind | null): string {
  const memory = `memory use spread ${percent(balance.memorySpread)}`;
  return storage === null ? memory : `${memory}, ${storage} disk use spread ${percent(balance.diskSpread)}`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
