import type { AdminState } from "../state/instance-schema.js";

/** What the primary node reported about the instance's domain, or why there is no report. */
export type RuntimeObservation =
  | { kind: "domain"; state: "running" | "blocked" | "paused" | "shutdown" | "shutoff" | "crashed" | "pmsuspended" | "nostate"; memoryMiB: number; vcpus: number }
  | { kind: "no-domain" }
  | { kind: "node-offline" }
  | { kind: "node-down"; reason: string };

/** Ganeti's instance status values (gnt-instance list's "Status" column). */
export type InstanceStatus = "running" | "ADMIN_down" | "ADMIN_offline" | "USER_down" | "ERROR_up" | "ERROR_down" | "ERROR_nodedown" | "ERROR_nodeoffline" | "ERROR_wrongnode";

export function isRunning(observation: RuntimeObservation): boolean {
  return observation.kind === "domain" && ["running", "blocked", "paused", "pmsuspended"].includes(observation.state);
}

/**
 * Configured against actual, as Ganeti computes it: running where it should
 * not is ERROR_up, stopped where it should run is ERROR_down, stopped by its
 * own user (recorded as such) is USER_down, and an unreachable primary is
 * ERROR_nodedown.
 */
export function instanceStatus(adminState: AdminState, adminStateSource: "admin" | "user", observation: RuntimeObservation): InstanceStatus {
  if (observation.kind === "node-offline") return "ERROR_nodeoffline";
  if (observation.kind === "node-down") return "ERROR_nodedown";
  if (isRunning(observation)) return adminState === "up" ? "running" : "ERROR_up";
  if (adminState === "up") return "ERROR_down";
  if (adminState === "offline") return "ADMIN_offline";
  return adminStateSource === "user" ? "USER_down" : "ADMIN_down";
}
