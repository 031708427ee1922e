import test from "ava";
import { allocate } from "../../../../src/cluster/allocator/allocate.js";
import type { AllocationRequest, AllocatorInstance, AllocatorNode } from "../../../../src/cluster/allocator/model.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { instance, node, request } from "./fixtures.js";

function wrongInput(
  t: { throws: (fn: () => unknown, expectations: object) => unknown; is: (actual: unknown, expected: unknown) => void },
  input: { request?: AllocationRequest; nodes?: AllocatorNode[]; instances?: AllocatorInstance[] },
  message: string,
): void {
  const error = t.throws(() => allocate(input.request ?? request(), input.nodes ?? [node("node1", 4096)], input.instances ?? []), { instanceOf: AlkorError }) as AlkorError;
  t.is(error.code, "wrong_input");
  t.is(error.message, message);
}

const cast = <T>(value: unknown): T => value as T;

test("the request's name must be a host name", (t) => {
  wrongInput(t, { request: request({ name: "web 1" }) }, 'The instance name "web 1" is not a host name (letters, digits, dots and dashes, at most 253 characters).');
  wrongInput(t, { request: request({ name: "" }) }, 'The instance name "" is not a host name (letters, digits, dots and dashes, at most 253 characters).');
});

test("an unknown disk template is refused, naming the known ones", (t) => {
  wrongInput(t, { request: request({ diskTemplate: cast("sharedfile") }) }, 'Instance web1: unknown disk template "sharedfile"; the allocator knows diskless, file, plain, drbd.');
});

test("sizes must be whole, non-negative numbers; memory and vcpus at least 1", (t) => {
  wrongInput(t, { request: request({ memoryMiB: 0 }) }, "Instance web1's memory must be a whole number of at least 1, not 0.");
  wrongInput(t, { request: request({ memoryMiB: 1.5 }) }, "Instance web1's memory must be a whole number of at least 1, not 1.5.");
  wrongInput(t, { request: request({ vcpus: 0 }) }, "Instance web1's vcpus count must be a whole number of at least 1, not 0.");
  wrongInput(t, { request: request({ diskMiB: -1 }) }, "Instance web1's disk size must be a non-negative whole number, not -1.");
  wrongInput(t, { request: request({ diskMiB: Number.NaN }) }, "Instance web1's disk size must be a non-negative whole number, not NaN.");
  wrongInput(t, { request: request({ diskTemplate: "diskless", diskMiB: 10 }) }, "Instance web1 is diskless but asks for 10 MiB of disk.");
});

test("node figures are checked: whole numbers, free within total, known storage kinds given in full", (t) => {
  wrongInput(t, { nodes: [node("node1", -5)] }, "Node node1's free memory must be a non-negative whole number, not -5.");
  wrongInput(t, { nodes: [node("node1", 9000)] }, "Node node1 reports 9000 MiB free memory out of 8192 MiB.");
  wrongInput(t, { nodes: [node("node1", 1024, { diskFreeMiB: { file: 51200, plain: 200000 } })] }, "Node node1 reports 200000 MiB free plain disk out of 102400 MiB.");
  wrongInput(t, { nodes: [node("node1", 1024, { diskFreeMiB: { plain: 1 } })] }, "Node node1: file storage needs both its free and its total size, or neither.");
  wrongInput(t, { nodes: [node("node1", 1024, { diskFreeMiB: cast({ rbd: 1 }) })] }, 'Node node1: unknown storage kind "rbd"; the allocator knows file, plain.');
  wrongInput(t, { nodes: [node("node1", 1024, { drained: cast("yes") })] }, "Node node1: drained must be true or false.");
  wrongInput(t, { nodes: [node("node1", 1024), node("node1", 2048)] }, "Node node1 is given twice.");
  wrongInput(t, { nodes: [node("node_1", 1024)] }, 'A node name "node_1" is not a host name (letters, digits, dots and dashes, at most 253 characters).');
});

test("instances must sit on the given nodes, with a secondary other than the primary", (t) => {
  wrongInput(t, { instances: [instance("db1", "node9", null, 512)] }, 'Instance db1\'s primary node "node9" is not among the nodes given.');
  wrongInput(t, { nodes: [node("node1", 4096), node("node2", 4096)], instances: [instance("db1", "node1", "node1", 512)] }, "Instance db1 has node1 as both primary and secondary.");
  wrongInput(t, { instances: [instance("db1", "node1", null, -1)] }, "Instance db1's memory must be a non-negative whole number, not -1.");
  wrongInput(t, { instances: [instance("db1", "node1", null, 1), instance("db1", "node1", null, 1)] }, "Instance db1 is given twice.");
});
