import { readdir, readFile, stat } from "node:fs/promises";
import { AlkorError } from "../../model/errors.js";

export interface OsFileStat {
  kind: "file" | "directory" | "other";
  /** Permission bits, e.g. 0o755. */
  mode: number;
}

/** What the OS catalog reads of the node's file system. */
export interface OsFiles {
  /** The names in a directory, or null when there is no such directory. */
  list(directory: string): Promise<string[] | null>;
  /** What is at path (following symbolic links), or null when nothing is. */
  stat(path: string): Promise<OsFileStat | null>;
  /** A text file's content, or null when there is no such file. */
  readText(path: string): Promise<string | null>;
}

/** The local file system. */
export const nodeOsFiles: OsFiles = {
  async list(directory) {
    return absentAsNull(directory, () => readdir(directory));
  },
  async stat(path) {
    return absentAsNull(path, async () => {
      const stats = await stat(path);
      return { kind: stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "other", mode: stats.mode & 0o7777 };
    });
  },
  async readText(path) {
    return absentAsNull(path, () => readFile(path, "utf8"));
  },
};

async function absentAsNull<T>(path: string, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new AlkorError("environment_error", `Could not read ${path}: ${(error as Error).message}.`, { path });
  }
}
