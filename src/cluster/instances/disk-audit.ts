import { asAlkorError } from "../../model/errors.js";
import type { DiskInventory, DiskStoreTemplate } from "../../node/instance-rpc-methods.js";
import type { NodeRpcCall } from "../opcodes/definition.js";
import type { ClusterNode, ClusterState } from "../state/schema.js";
import { nodeReportTimeoutMs } from "./node-reports.js";

export type DiskInventoryResult = { node: ClusterNode; inventory: DiskInventory } | { node: ClusterNode; error: string };

/** Configured disks against the disks nodes hold (Ganeti's verify: orphan volumes, and volumes an instance lacks). */
export interface DiskAudit {
  /** Held by a node under alkor's names, but no instance there has that disk. */
  unknown: Array<{ node: string; template: DiskStoreTemplate; location: string }>;
  /** Configured on an instance, but its primary node does not hold it. */
  missing: Array<{ instance: string; index: number; diskUuid: string; node: string }>;
  /** Nodes that should hold disks but could not list them: the whole node (template null) or one store. */
  unlisted: Array<{ node: string; template: DiskStoreTemplate | null; error: string }>;
}

/** Asks every given node at once which disks it holds; a node that does not answer gets its error. */
export async function diskInventories(state: ClusterState, nodes: readonly ClusterNode[], call: NodeRpcCall): Promise<DiskInventoryResult[]> {
  const { fileStorageDir, volumeGroup } = state.instanceDefaults;
  return Promise.all(
    nodes.map(async (node) => {
      try {
        return { node, inventory: await call(node.name, "instance.disks.inventory", { storage: { fileStorageDir, volumeGroup } }, nodeReportTimeoutMs) };
      } catch (error) {
        return { node, error: asAlkorError(error).message };
      }
    }),
  );
}

/**
 * Compares the disks each node holds with the instances whose primary it is
 * (file and plain disks live on the primary). A node or store that cannot be
 * listed matters only where it should hold disks: a node without a volume
 * group and without plain instances is fine.
 */
export function auditDisks(state: ClusterState, results: readonly DiskInventoryResult[]): DiskAudit {
  const audit: DiskAudit = { unknown: [], missing: [], unlisted: [] };
  const instances = Object.values(state.instances).sort((a, b) => a.name.localeCompare(b.name));
  for (const result of [...results].sort((a, b) => a.node.name.localeCompare(b.node.name))) {
    const node = result.node.name;
    const primaryOf = (template: DiskStoreTemplate) => instances.filter((instance) => instance.primaryNode === result.node.uuid && instance.diskTemplate === template);
    const holdsDisks = (template: DiskStoreTemplate) => primaryOf(template).some((instance) => instance.disks.length > 0);
    if ("error" in result) {
      if (holdsDisks("file") || holdsDisks("plain")) audit.unlisted.push({ node, template: null, error: result.error });
      continue;
    }
    for (const template of ["file", "plain"] as const) {
      const expected = primaryOf(template);
      const store = result.inventory[template];
      if ("error" in store) {
        if (holdsDisks(template)) audit.unlisted.push({ node, template, error: store.error });
        continue;
      }
      const held = new Set(store.disks.map((disk) => disk.diskUuid));
      for (const instance of expected) {
        for (const [index, disk] of instance.disks.entries()) {
          if (!held.has(disk.uuid)) audit.missing.push({ instance: instance.name, index, diskUuid: disk.uuid, node });
        }
      }
      const configured = new Set(expected.flatMap((instance) => instance.disks.map((disk) => disk.uuid)));
      for (const disk of store.disks) if (!configured.has(disk.diskUuid)) audit.unknown.push({ node, template, location: disk.location });
    }
  }
  return audit;
}
