import type { ClusterService } from "../../../src/cluster/cluster-service.js";
import type { SimCluster } from "./sim-cluster.js";

export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
}

/**
 * What must hold after every event, whatever the scenario does: one holder
 * of the cluster IP, one master with a valid lease, one master per term
 * (§5.2), and one cluster state per serial on every node (§5.4.3 state
 * machine safety), which no node ever goes back from.
 */
export class Invariants {
  private readonly masterOfTerm = new Map<number, string>();
  private readonly stateOfSerial = new Map<number, string>();
  /** Per life of a node: a restarted node applies its log again from the start. */
  private readonly checkedSerial = new WeakMap<object, number>();

  constructor(private readonly sim: SimCluster) {}

  check(): void {
    const running = this.sim.nodes.filter((node) => node.service !== undefined);
    const holders = this.sim.nodes.filter((node) => node.address.current !== null).map((node) => node.name);
    if (holders.length > 1) throw new InvariantViolation(`${holders.join(" and ")} hold the cluster IP at once`);
    const leased = running.filter((node) => node.service!.status().leaseHeld).map((node) => node.name);
    if (leased.length > 1) throw new InvariantViolation(`${leased.join(" and ")} each believe they are master with a valid lease`);
    for (const node of running) {
      const service = node.service!;
      const raft = service.status().raft;
      if (raft?.role === "leader") {
        const other = this.masterOfTerm.get(raft.term);
        if (other !== undefined && other !== node.name) throw new InvariantViolation(`${other} and ${node.name} were both master in term ${raft.term}`);
        this.masterOfTerm.set(raft.term, node.name);
      }
      this.checkState(node.name, service);
    }
  }

  private checkState(name: string, service: ClusterService): void {
    const state = service.state;
    const last = this.checkedSerial.get(service) ?? 0;
    if (state.serial === last) return;
    if (state.serial < last) throw new InvariantViolation(`${name}'s cluster state went back from serial ${last} to ${state.serial}`);
    this.checkedSerial.set(service, state.serial);
    const text = canonical(state);
    const known = this.stateOfSerial.get(state.serial);
    if (known === undefined) this.stateOfSerial.set(state.serial, text);
    else if (known !== text) throw new InvariantViolation(`${name}'s cluster state at serial ${state.serial} differs from another node's:\n${text}\n${known}`);
  }
}

/** JSON with sorted keys: a state restored from a snapshot may list its fields in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === "object" && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : 1)))
      : field,
  );
}
