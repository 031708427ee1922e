import type { Entry, NodeId } from "../../src/consensus/index.js";
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

  /** Log Matching: checks a node's log from index `from` after the driver persisted it. */
  persisted(node: NodeId, log: readonly Entry[], from: number): void {
    for (let index = from; index <= log.length; index++) {
      const entry = log[index - 1]!;
      const position = `${index}:${entry.term}`;
      const seen = { content: content(entry), previousTerm: log[index - 2]?.term ?? 0 };
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

  /** Leader Completeness: a leader's log holds every entry committed in an earlier term. */
  leaderLog(node: NodeId, term: number, log: readonly Entry[]): void {
    for (const [index, applied] of this.appliedAt) {
      if (applied.term >= term) continue;
      const held = log[index - 1];
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

/** An entry as the checks compare it: its term and the write it carries. */
function content(entry: Entry): string {
  return isWrite(entry) ? `t${entry.term}:w${(entry.data as Write).id}` : `t${entry.term}:no-op`;
}
