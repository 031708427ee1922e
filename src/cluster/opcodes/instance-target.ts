import { AlkorError } from "../../model/errors.js";
import { nodeNameOf } from "../instances/run-spec.js";
import type { Instance } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";
import type { LockRequest, OpcodeContext } from "./definition.js";

/** The instance of that name, or unknown_entity naming it (Ganeti: "Instance 'x' not known"). */
export function findInstance(state: ClusterState, name: string): Instance {
  const instance = Object.values(state.instances).find((candidate) => candidate.name === name);
  if (!instance) throw new AlkorError("unknown_entity", `Instance ${name} does not exist.`, { instance: name });
  return instance;
}

/** An instance opcode locks the instance alone, and its nodes shared (other instances may use them too). */
export function instanceLocks(state: ClusterState, name: string, nodeMode: "shared" | "exclusive" = "shared"): LockRequest[] {
  const instance = Object.values(state.instances).find((candidate) => candidate.name === name);
  const nodes = instance ? [instance.primaryNode, ...instance.secondaryNodes].map((uuid) => state.nodes[uuid]?.name).filter((node): node is string => node !== undefined) : [];
  return [...nodes.map((node) => ({ level: "node" as const, name: node, mode: nodeMode })), { level: "instance", name, mode: "exclusive" }];
}

/** An instance must be stopped (admin down or offline) for this; Ganeti's wording. */
export function requireStopped(instance: Instance, what: string): void {
  if (instance.adminState === "up") throw new AlkorError("wrong_state", `Instance ${instance.name} is marked to be up; shut it down before ${what} (alkor-instance shutdown ${instance.name}).`);
}

export function requireOnline(instance: Instance): void {
  if (instance.adminState === "offline") throw new AlkorError("wrong_state", `Instance ${instance.name} is offline; bring it online first (alkor-instance modify --online ${instance.name}).`);
}

/** What an instance opcode's steps start from: the state as applied, the instance, and its primary node's name. */
export function instanceAndPrimary(context: OpcodeContext, name: string): { state: ClusterState; instance: Instance; primary: string } {
  const state = context.state();
  const instance = findInstance(state, name);
  return { state, instance, primary: nodeNameOf(state, instance.primaryNode) };
}
