import type { AllocationRequest, AllocatorInstance, AllocatorNode } from "../../../../src/cluster/allocator/model.js";

/** A healthy vm_capable node with 8 GiB of memory and 100 GiB of file and plain storage, of which `memoryFreeMiB` and 50 GiB are free. */
export function node(name: string, memoryFreeMiB: number, overrides: Partial<AllocatorNode> = {}): AllocatorNode {
  return {
    name,
    offline: false,
    drained: false,
    vmCapable: true,
    memoryTotalMiB: 8192,
    memoryFreeMiB,
    diskFreeMiB: { file: 51200, plain: 51200 },
    diskTotalMiB: { file: 102400, plain: 102400 },
    ...overrides,
  };
}

export function instance(name: string, primary: string, secondary: string | null, memoryMiB: number, running = true): AllocatorInstance {
  return { name, primary, secondary, memoryMiB, running };
}

export function request(overrides: Partial<AllocationRequest> = {}): AllocationRequest {
  return { name: "web1", memoryMiB: 1024, vcpus: 1, diskTemplate: "plain", diskMiB: 10240, ...overrides };
}
