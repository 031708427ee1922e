import type { ClusterAddressPort, ClusterAddressSpec } from "../../../src/host/net/cluster-address.js";

const same = (a: ClusterAddressSpec, b: ClusterAddressSpec): boolean =>
  a.ip === b.ip && a.prefixLength === b.prefixLength && a.device === b.device;

/** A node's network interface, as far as the cluster IP goes: what it holds now. */
export class FakeClusterAddress implements ClusterAddressPort {
  current: ClusterAddressSpec | null = null;

  async acquire(spec: ClusterAddressSpec): Promise<void> {
    this.current = spec;
  }

  async release(spec: ClusterAddressSpec): Promise<void> {
    if (this.current !== null && same(this.current, spec)) this.current = null;
  }

  async held(spec: ClusterAddressSpec): Promise<boolean> {
    return this.current !== null && same(this.current, spec);
  }
}
