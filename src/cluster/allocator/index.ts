/** The built-in instance allocator (Ganeti's hail) and the N+1 check cluster verify uses. */
export { allocate } from "./allocate.js";
export { nPlusOneFailures, describeFailure, type NPlusOneFailure } from "./n-plus-one.js";
export type { Allocation, AllocationRequest, AllocatorDiskTemplate, AllocatorInstance, AllocatorNode, StorageKind } from "./model.js";
