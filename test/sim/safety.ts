import type { Entry, NodeId } from "../../src/consensus/index.js";
import type { Disk } from "./disk.js";
import { InvariantViolation } from "./invariant.js";
import { isWrite, type Write } from "./workload.js";

interface AppliedEntry {
  readonly entry: Entry;
  readonly node: NodeId;
  /** The applying node's term then: the entry was committed in this term or an earlier one. */
  readonly term: number;
}

/** Raft's safety properties (§5.2, Figure 3), fed by the drivers as the run goes. */
export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Log Matching, by induction: an (index, term) always holds the same entry after the same (index - 1, term). */
  private readonly entryAt = new Map<string, { readonly content: string; readonly previousTerm: number }>();
  private readonly appliedAt = new Map<number, AppliedEntry>();

  /** Election Safety: at most one leader per term. */
  leader(node: NodeId, term: number): void {
    const other = this.leaderOfTerm.get(term);
    if (other === undefined) this.leaderOfTerm.set(term, node);
    else if (other !== node) throw new InvariantViolation("election safety", `${other} and ${node} both lead term ${term}`);
  }

  get terms(): number {
    return this.leaderOfTerm.size;
  }

  /**
   * The leader lease (thesis §6.4.1): at no instant do two nodes hold it, whatever
   * their terms, given the nodes that hold it now.
   */
  leases(holders: readonly NodeId[]): void {
    if (holders.length > 1) throw new InvariantViolation("lease", `${holders.join(" and ")} hold the lease at once`);
  }

  /** Log Matching: checks a node's log from index `from` after the driver persisted it. */
  persisted(node: NodeId, disk: Disk, from: number): void {
    for (let index = Math.max(from, disk.snapshotIndex() + 1); index <= disk.lastIndex(); index++) {
      const entry = disk.entry(index)!;
      const position = `${index}:${entry.term}`;
      const seen = { content: content(entry), previousTerm: disk.term(index - 1)! };
      const first = this.entryAt.get(position);
      if (first === undefined) this.entryAt.set(position, seen);
      else if (first.content !== seen.content || first.previousTerm !== seen.previousTerm) {
        throw new InvariantViolation(
          "log matching",
          `${node} holds ${seen.content} after term ${seen.previousTerm} at ${index}, another log ${first.content} after term ${first.previousTerm}`,
        );
      }
    }
  }

  /** No committed entry is lost: a node never truncates an entry some node has applied. */
  truncated(node: NodeId, removed: readonly Entry[]): void {
    for (const entry of removed) {
      const applied = this.appliedAt.get(entry.index);
      if (applied !== undefined && content(applied.entry) === content(entry)) {
        throw new InvariantViolation("committed entry lost", `${node} truncated ${content(entry)} at ${entry.index}, applied by ${applied.node}`);
      }
    }
  }

  /**
   * Leader Completeness: a leader's log holds every entry committed in an
   * earlier term. Those its snapshot covers were checked when applied.
   */
  leaderLog(node: NodeId, term: number, disk: Disk): void {
    for (const [index, applied] of this.appliedAt) {
      if (applied.term >= term || index <= disk.snapshotIndex()) continue;
      const held = disk.entry(index);
      if (held === undefined || content(held) !== content(applied.entry)) {
        throw new InvariantViolation(
          "leader completeness",
          `${node}, leader of term ${term}, lacks ${content(applied.entry)} at ${index}, applied by ${applied.node} in term ${applied.term}`,
        );
      }
    }
  }

  /** State Machine Safety: every node that applies an index applies the same entry. */
  applied(node: NodeId, term: number, entry: Entry): void {
    const first = this.appliedAt.get(entry.index);
    if (first === undefined) this.appliedAt.set(entry.index, { entry, node, term });
    else if (content(first.entry) !== content(entry)) {
      throw new InvariantViolation(
        "state machine safety",
        `${node} applied ${content(entry)} at ${entry.index}, ${first.node} applied ${content(first.entry)}`,
      );
    }
  }
}

/** An entry as the checks compare it: its term and the write or configuration change it carries. */
function content(entry: Entry): string {
  if (isWrite(entry)) return `t${entry.term}:w${(entry.data as Write).id}`;
  if (entry.config !== undefined) return `t${entry.term}:${entry.config.change.type} ${entry.config.change.node}`;
  return `t${entry.term}:no-op`;
}
