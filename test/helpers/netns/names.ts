import { randomBytes } from "node:crypto";

/**
 * Every namespace a run creates is named `alkor-nc-<owner pid>-<run id>-<role>`:
 * the random id keeps concurrent runs apart, and the owner's pid lets a later
 * run tell a leftover (owner gone) from a namespace still in use.
 */
const NAMESPACE_PATTERN = /^alkor-nc-(\d+)-([0-9a-f]{8})-/;

export interface RunNames {
  runId: string;
  /** The third octet of the run's 10.251.S.0/24 segment. */
  subnet: number;
  hubNamespace: string;
  /** The Linux bridge in the hub namespace that every node's veth is a port of. */
  bridge: string;
  nodeNamespace(index: number): string;
  /** The hub-side end of node index's veth pair; the node side is always eth0. */
  hubVeth(index: number): string;
  nodeAddress(index: number): string;
}

export function newRunNames(): RunNames {
  const runId = randomBytes(4).toString("hex");
  const prefix = `alkor-nc-${process.pid}-${runId}`;
  const subnet = 1 + (Number.parseInt(runId.slice(0, 2), 16) % 254);
  return {
    runId,
    subnet,
    hubNamespace: `${prefix}-hub`,
    // Interface names hold 15 bytes; the run id in them makes a stray one traceable.
    bridge: `br-${runId}`,
    nodeNamespace: (index) => `${prefix}-node${index}`,
    hubVeth: (index) => `ve-${runId}-${index}`,
    nodeAddress: (index) => `10.251.${subnet}.${index}`,
  };
}

/** The pid of the process that created a harness namespace, or undefined for any other name. */
export function ownerOf(namespace: string): number | undefined {
  const match = NAMESPACE_PATTERN.exec(namespace);
  return match ? Number(match[1]) : undefined;
}
