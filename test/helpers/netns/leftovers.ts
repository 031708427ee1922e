import { fileURLToPath } from "node:url";
import { ownerOf } from "./names.js";
import { deleteNamespace, listNamespaces } from "./namespaces.js";
import { isAlive } from "../../../src/lab/processes.js";

/**
 * Deletes the namespaces (and with them their veths, bridge, nft tables and
 * processes) of harness runs whose process has ended without destroy(), e.g.
 * a benchmark stopped with Ctrl-C. Namespaces of live runs are left alone.
 * Returns the names it deleted.
 */
export async function removeLeftoverNamespaces(): Promise<string[]> {
  const leftovers = (await listNamespaces()).filter((namespace) => {
    const owner = ownerOf(namespace);
    return owner !== undefined && !isAlive(owner);
  });
  for (const namespace of leftovers) await deleteNamespace(namespace);
  return leftovers;
}

// node dist/test/helpers/netns/leftovers.js: the same cleanup by hand.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const removed = await removeLeftoverNamespaces();
  console.log(removed.length === 0 ? "no leftover namespaces" : `removed ${removed.join(" ")}`);
}
