/**
 * The hypervisor port: what alkor needs of libvirt, so the binding behind it
 * can be replaced (src/host/hypervisor/libvirt.ts is the real adapter).
 * Domains carry the instance's name; memory is in MiB.
 */

/** libvirt's domain states (virDomainState), as the operator reads them. */
export type DomainRunState = "running" | "blocked" | "paused" | "shutdown" | "shutoff" | "crashed" | "pmsuspended" | "nostate";

export interface DomainRuntime {
  name: string;
  uuid: string;
  state: DomainRunState;
  /** Current (balloon) memory in MiB. */
  memoryMiB: number;
  maxMemoryMiB: number;
  vcpus: number;
  /** CPU time used, in nanoseconds. */
  cpuTimeNs: number;
}

export interface DomainDisk {
  /** A file or block device on this node. */
  path: string;
  kind: "file" | "block";
  format: "raw" | "qcow2";
  readOnly: boolean;
}

export interface DomainNic {
  mac: string;
  /** bridged and openvswitch: the bridge's name; routed: the routing table (the tap is named by routedTapName in domain-xml.ts, from the instance's uuid). */
  mode: "bridged" | "routed" | "openvswitch";
  link: string;
}

/** Everything the domain XML is made from: the instance's parameters with the cluster's defaults filled in. */
export interface DomainSpec {
  name: string;
  uuid: string;
  /** The test driver takes type "test"; qemu:///system takes "kvm", or "qemu" (TCG) where there is no /dev/kvm. */
  domainType: "kvm" | "qemu" | "test";
  /** Memory the domain starts with, at most maxMemoryMiB (balloon target). */
  memoryMiB: number;
  maxMemoryMiB: number;
  vcpus: number;
  /** Direct kernel boot when set (Ganeti's kernel_path); else the disk's boot loader. */
  kernelPath: string | null;
  initrdPath: string | null;
  kernelArgs: string | null;
  /** Appended to the kernel command line as root=… (Ganeti's root_path). */
  rootPath: string | null;
  /** Ganeti's boot_order: disk, cdrom, network. */
  bootOrder: "disk" | "cdrom" | "network";
  /** A serial console on a unix socket at this path (read by `alkor-instance console`), or none. */
  serialConsolePath: string | null;
  /** VNC on this address and port (null: libvirt picks one), or none. */
  vnc: { address: string; port: number | null } | null;
  disks: DomainDisk[];
  nics: DomainNic[];
}

export interface HypervisorNodeInfo {
  memoryMiB: number;
  /** Memory not used by domains or the host, in MiB. */
  freeMemoryMiB: number;
  cpus: number;
}

/**
 * A hypervisor connection. Every method throws an AlkorError naming the
 * domain and libvirt's message; `unknown_entity` when the domain does not exist.
 */
export interface Hypervisor {
  /** Every domain libvirt knows on this node, defined or running. */
  domains(): Promise<DomainRuntime[]>;
  domain(name: string): Promise<DomainRuntime | null>;
  /** Defines (or redefines) the persistent domain from the spec. */
  define(spec: DomainSpec): Promise<void>;
  start(name: string): Promise<void>;
  /** Asks the guest to shut down (ACPI); returns at once. */
  requestShutdown(name: string): Promise<void>;
  /** Pulls the plug. */
  destroy(name: string): Promise<void>;
  /** Removes the persistent definition (the domain must be shut off). */
  undefine(name: string): Promise<void>;
  /** Changes a running domain's memory (balloon), within its maximum. */
  setMemory(name: string, memoryMiB: number): Promise<void>;
  /** Asks the guest to reboot (ACPI). */
  reboot(name: string): Promise<void>;
  nodeInfo(): Promise<HypervisorNodeInfo>;
  close(): Promise<void>;
}
