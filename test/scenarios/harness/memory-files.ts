import type { DurableFiles } from "../../../src/host/durable-file.js";

/**
 * A node's disk: whatever a write resolved has made durable survives a crash,
 * so the real FileRaftStorage runs on it unchanged.
 */
export class MemoryFiles {
  private readonly files = new Map<string, string>();

  /** The disk as one life of the node sees it: once that life ends, its writes never happen. */
  view(owner: { readonly alive: boolean }): DurableFiles {
    const live = <T>(action: () => T): Promise<T> => (owner.alive ? Promise.resolve(action()) : new Promise<T>(() => {}));
    return {
      readIfExists: (path) => live(() => this.files.get(path)),
      writeDurably: (path, data) => live(() => void this.files.set(path, data)),
      appendDurably: (path, data) => live(() => void this.files.set(path, (this.files.get(path) ?? "") + data)),
      remove: (path) => live(() => void this.files.delete(path)),
      ensureDirectory: () => live(() => undefined),
    };
  }
}
