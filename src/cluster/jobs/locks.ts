import { lockLevels, type LockRequest } from "../opcodes/definition.js";

type Mode = LockRequest["mode"];

function key(request: LockRequest): string {
  return `${request.level}/${request.name}`;
}

/** Ganeti's order: by level, then by name within a level. */
export function sortLocks(requests: readonly LockRequest[]): LockRequest[] {
  return [...requests].sort((a, b) => lockLevels.indexOf(a.level) - lockLevels.indexOf(b.level) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function conflicts(a: Mode, b: Mode): boolean {
  return a === "exclusive" || b === "exclusive";
}

/**
 * The master's shared/exclusive locks on the cluster's resources. A job's
 * opcode gets all its locks at once or none: it never holds some while it
 * waits for others, so jobs cannot deadlock. A scheduling pass goes through
 * the jobs by priority and age; a job that has to wait reserves what it asked
 * for, so that younger or lower-priority jobs do not overtake it on those
 * resources and starve it.
 */
export class LockManager {
  private readonly held = new Map<string, { mode: Mode; owners: Set<number> }>();
  private readonly ownedBy = new Map<number, string[]>();

  /** A scheduling pass: tryAcquire() in the order jobs should run. */
  pass(): LockPass {
    const reserved = new Map<string, Mode>();
    return {
      tryAcquire: (owner, requests) => {
        const sorted = sortLocks(requests);
        const free = sorted.every((request) => {
          const k = key(request);
          const holder = this.held.get(k);
          const reservation = reserved.get(k);
          const heldConflict = holder !== undefined && !(holder.owners.size === 1 && holder.owners.has(owner)) && conflicts(holder.mode, request.mode);
          return !heldConflict && !(reservation !== undefined && conflicts(reservation, request.mode));
        });
        if (!free) {
          for (const request of sorted) {
            const k = key(request);
            if (reserved.get(k) !== "exclusive") reserved.set(k, request.mode);
          }
          return false;
        }
        for (const request of sorted) this.take(owner, request);
        return true;
      },
    };
  }

  release(owner: number): void {
    for (const k of this.ownedBy.get(owner) ?? []) {
      const holder = this.held.get(k);
      if (!holder) continue;
      holder.owners.delete(owner);
      if (holder.owners.size === 0) this.held.delete(k);
    }
    this.ownedBy.delete(owner);
  }

  /** Every lock held, for tests and for the metrics. */
  heldLocks(): Array<{ key: string; mode: Mode; owners: number[] }> {
    return [...this.held].map(([k, holder]) => ({ key: k, mode: holder.mode, owners: [...holder.owners].sort((a, b) => a - b) }));
  }

  private take(owner: number, request: LockRequest): void {
    const k = key(request);
    const holder = this.held.get(k);
    if (holder === undefined) this.held.set(k, { mode: request.mode, owners: new Set([owner]) });
    else {
      holder.owners.add(owner);
      if (request.mode === "exclusive") holder.mode = "exclusive";
    }
    const owned = this.ownedBy.get(owner) ?? [];
    if (!owned.includes(k)) owned.push(k);
    this.ownedBy.set(owner, owned);
  }
}

export interface LockPass {
  /** Takes every lock asked for, or none and reserves them against the jobs after this one in the pass. */
  tryAcquire(owner: number, requests: readonly LockRequest[]): boolean;
}
