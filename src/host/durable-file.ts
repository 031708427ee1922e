import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { AlkorError } from "../model/errors.js";

/** Files as the agent's state logic sees them; tests and the simulator may substitute their own. */
export interface DurableFiles {
  /** The file's text, or undefined when it does not exist. */
  readIfExists(path: string): Promise<string | undefined>;
  /** Replaces the file so that after a crash it holds either the old or the new content, never a mix. */
  writeDurably(path: string, data: string): Promise<void>;
  /** Appends to the file (created if missing) and returns once the new bytes are on disk. */
  appendDurably(path: string, data: string): Promise<void>;
  /** Deletes the file if it exists, durably. */
  remove(path: string): Promise<void>;
  /** Creates the directory (and its parents) with `mode` if missing; an existing one is left as it is. */
  ensureDirectory(path: string, mode: number): Promise<void>;
}

let tempCounter = 0;

/**
 * Writes to a temporary file in the same directory, fsyncs it, renames it over
 * the target and fsyncs the directory: rename is atomic only within one file
 * system, and the directory fsync makes the rename itself survive a power loss.
 * The file is readable by its owner only: state may hold keys.
 */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${process.pid}.${++tempCounter}.tmp`);
  try {
    const file = await open(temp, "wx", 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new AlkorError("environment_error", `Could not write ${path}: ${(error as Error).message}.`, { path });
  }
  await syncDirectory(directory);
}

/**
 * Appends and fdatasyncs; a new file's directory entry is synced too. A crash
 * mid-append can leave a torn last record, which readers must tolerate.
 */
export async function appendFileDurably(path: string, data: string): Promise<void> {
  let created = false;
  try {
    const file = await open(path, "a", 0o600);
    try {
      created = (await file.stat()).size === 0;
      await file.appendFile(data);
      await file.datasync();
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new AlkorError("environment_error", `Could not append to ${path}: ${(error as Error).message}.`, { path });
  }
  if (created) await syncDirectory(dirname(path));
}

/** Deletes a file if it exists and syncs its directory. */
export async function removeFileDurably(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new AlkorError("environment_error", `Could not remove ${path}: ${(error as Error).message}.`, { path });
  }
  await syncDirectory(dirname(path));
}

/** The file's UTF-8 text, or undefined when it does not exist; other failures are errors. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AlkorError("environment_error", `Could not read ${path}: ${(error as Error).message}.`, { path });
  }
}

/** Creates a directory with `mode` if missing, making its new entry durable as well. */
export async function ensureDirectory(path: string, mode: number): Promise<void> {
  let firstCreated: string | undefined;
  try {
    firstCreated = await mkdir(path, { recursive: true, mode });
  } catch (error) {
    throw new AlkorError("environment_error", `Could not create directory ${path}: ${(error as Error).message}.`, { path });
  }
  if (firstCreated !== undefined) await syncDirectory(dirname(firstCreated));
}

async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new AlkorError("environment_error", `Could not sync directory ${directory}: ${(error as Error).message}.`, { path: directory });
  }
}

export const localDurableFiles: DurableFiles = {
  readIfExists: readFileIfExists,
  writeDurably: writeFileDurably,
  appendDurably: appendFileDurably,
  remove: removeFileDurably,
  ensureDirectory,
};
