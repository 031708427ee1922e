/**
 * What the built-in allocator (in the spirit of Ganeti's hail, the htools
 * IAllocator plugin) is given and answers. Plain figures, no I/O: the master
 * gathers them from each node and calls `allocate`.
 */

/** Where a disk template keeps its data on a node. */
export const storageKinds = ["file", "plain"] as const;
export type StorageKind = (typeof storageKinds)[number];

export const allocatorDiskTemplates = ["diskless", "file", "plain", "drbd"] as const;
export type AllocatorDiskTemplate = (typeof allocatorDiskTemplates)[number];

export interface AllocatorNode {
  name: string;
  /** Offline, drained or not vm_capable nodes take no new instance; the explanation says which. */
  offline: boolean;
  drained: boolean;
  vmCapable: boolean;
  /** From the node's hypervisor; the free figure already leaves out what its running instances use. */
  memoryTotalMiB: number;
  memoryFreeMiB: number;
  /** Free space for new disks per storage kind the node has (file, plain); absent = not available there. */
  diskFreeMiB: Partial<Record<StorageKind, number>>;
  /** Size of the same storage (the volume group, the file storage's file system): the disk-use ratio needs it. Same keys as diskFreeMiB. */
  diskTotalMiB: Partial<Record<StorageKind, number>>;
}

export interface AllocatorInstance {
  name: string;
  primary: string;
  secondary: string | null;
  /** Memory it needs where it runs: its maxmem, as Ganeti's N+1 check counts it (htools' Instance.mem is the maxmem beparam). */
  memoryMiB: number;
  /** Whether it should be running (admin state up); only those count for N+1, as in Ganeti's cluster verify. */
  running: boolean;
}

export interface AllocationRequest {
  name: string;
  /** The instance's maxmem. */
  memoryMiB: number;
  vcpus: number;
  diskTemplate: AllocatorDiskTemplate;
  /**
   * Sum of the disk sizes, MiB, as needed on each node that holds the disks.
   * For drbd the caller includes DRBD's metadata (128 MiB a disk), as Ganeti's
   * disk_space_total for the IAllocator does.
   */
  diskMiB: number;
}

export interface Allocation {
  primary: string;
  /** Set for mirrored templates (drbd) only. */
  secondary: string | null;
  /** Sentences for the job log: one per node considered, then the choice. */
  explanation: string[];
}

/** Templates whose disks are mirrored to a secondary node (Ganeti's DTS_INT_MIRROR). */
export function isMirrored(template: AllocatorDiskTemplate): boolean {
  return template === "drbd";
}

/** The storage a template's disks take on each node that holds them; drbd sits on LVM volumes, as in Ganeti. */
export function storageOf(template: AllocatorDiskTemplate): StorageKind | null {
  switch (template) {
    case "diskless":
      return null;
    case "file":
      return "file";
    case "plain":
    case "drbd":
      return "plain";
  }
}
