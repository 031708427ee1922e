import type { Logger } from "pino";
import type { Entry } from "../../consensus/types.js";
import { applyCommand, type CommandRefusal } from "./apply.js";
import { ClusterStateSchema, emptyClusterState, ProposalSchema, type ClusterState } from "./schema.js";

export type AppliedOutcome = { ok: true; serial: number; result: unknown } | { ok: false; refusal: CommandRefusal };

/**
 * The cluster state as Raft's committed entries build it. Entries that are
 * not proposals (the leader's no-op, configuration changes) leave it as it is.
 */
export class ClusterStateMachine {
  private current: ClusterState = emptyClusterState;

  constructor(
    private readonly log: Logger,
    /** Told the outcome of every proposal applied, so its proposer can answer. */
    private readonly onApplied: (proposalId: string, outcome: AppliedOutcome) => void,
  ) {}

  get state(): ClusterState {
    return this.current;
  }

  apply(entry: Entry): void {
    if (entry.data === null || entry.config) return;
    const proposal = ProposalSchema.safeParse(entry.data);
    if (!proposal.success) {
      // Every node skips the same entry, so the states stay identical.
      this.log.error({ index: entry.index, problem: proposal.error.issues[0]?.message }, `Raft entry ${entry.index} is not a cluster command; it is skipped.`);
      return;
    }
    const { id, command } = proposal.data;
    const outcome = applyCommand(this.current, command);
    this.current = outcome.state;
    this.onApplied(id, outcome.refusal === null ? { ok: true, serial: outcome.state.serial, result: outcome.result } : { ok: false, refusal: outcome.refusal });
  }

  snapshot(): ClusterState {
    return this.current;
  }

  restore(data: unknown): void {
    this.current = ClusterStateSchema.parse(data);
  }
}
