/** How to reach a node's BMC over the network (IPMI 2.0 LAN, "lanplus"). */
export interface BmcTarget {
  address: string;
  port: number;
  user: string;
  password: string;
}

export type PowerState = "on" | "off";

/**
 * A node's baseboard management controller: power control that works
 * whatever state the node's own operating system is in, which is what makes
 * it a fence device.
 */
export interface Bmc {
  powerStatus(): Promise<PowerState>;
  powerOn(): Promise<void>;
  /** Hard power off, at once (not an ACPI request the OS may ignore). */
  powerOff(): Promise<void>;
  /** Hard reset: the node reboots without its OS shutting down. */
  powerReset(): Promise<void>;
  /** Off, then on after the BMC's power-cycle interval. */
  powerCycle(): Promise<void>;
}
