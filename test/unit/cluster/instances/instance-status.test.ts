import test from "ava";
import { instanceStatus } from "../../../../src/cluster/instances/instance-status.js";

const running = { kind: "domain" as const, state: "running" as const, memoryMiB: 128, vcpus: 1 };
const shutoff = { kind: "domain" as const, state: "shutoff" as const, memoryMiB: 0, vcpus: 1 };

test("configured and actual state give Ganeti's status values", (t) => {
  t.is(instanceStatus("up", "admin", running), "running");
  t.is(instanceStatus("down", "admin", running), "ERROR_up");
  t.is(instanceStatus("up", "admin", shutoff), "ERROR_down");
  t.is(instanceStatus("up", "admin", { kind: "no-domain" }), "ERROR_down");
  t.is(instanceStatus("down", "admin", shutoff), "ADMIN_down");
  t.is(instanceStatus("down", "user", shutoff), "USER_down");
  t.is(instanceStatus("offline", "admin", { kind: "no-domain" }), "ADMIN_offline");
  t.is(instanceStatus("up", "admin", { kind: "node-down", reason: "timeout" }), "ERROR_nodedown");
  t.is(instanceStatus("up", "admin", { kind: "node-offline" }), "ERROR_nodeoffline");
});
