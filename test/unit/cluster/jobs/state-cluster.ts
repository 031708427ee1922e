import type { Applied } from "../../../../src/cluster/cluster-service.js";
import { applyCommand } from "../../../../src/cluster/state/apply.js";
import type { ClusterCommand, ClusterState } from "../../../../src/cluster/state/schema.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { clusterNode, clusterState } from "../fixtures.js";

/**
 * The cluster as the job runner and queue see it, without Raft: commands are
 * applied at once by the real state machine, in order. The test says whether
 * this node is the master.
 */
export class StateCluster {
  state: ClusterState = clusterState([clusterNode(1, { masterCandidate: true }), clusterNode(2, { masterCandidate: true }), clusterNode(3)]);
  master = true;
  readonly proposed: ClusterCommand[] = [];
  private readonly waiters = new Set<() => void>();
  /** Called after every change, as the cluster service does after Raft progress. */
  onProgress: () => void = () => {};

  /** Bumped when a test makes another node the master in between. */
  term = 1;

  /** False while the master's lease has lapsed: it still leads in its term, but starts nothing new. */
  leaseHeld = true;

  masterReady(): boolean {
    return this.master && this.leaseHeld;
  }

  leaderTerm(): number | null {
    return this.master ? this.term : null;
  }

  async proposeLocal(command: ClusterCommand): Promise<Applied> {
    if (!this.master) throw new AlkorError("wrong_state", "Node node1 is not the master.");
    return this.propose(command);
  }

  async propose(command: ClusterCommand): Promise<Applied> {
    this.proposed.push(command);
    const outcome = applyCommand(this.state, command);
    this.state = outcome.state;
    queueMicrotask(() => this.progress());
    if (outcome.refusal !== null) throw new AlkorError(outcome.refusal.code, outcome.refusal.message);
    return { serial: outcome.state.serial, result: outcome.result };
  }

  async readBarrier(): Promise<string> {
    return "00000000-0000-4000-8000-000000000001";
  }

  until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new AlkorError("timeout", `Gave up waiting for ${what} after ${timeoutMs} ms.`));
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  progress(): void {
    for (const check of [...this.waiters]) check();
    this.onProgress();
  }
}
