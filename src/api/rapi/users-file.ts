import { readFile, stat } from "node:fs/promises";
import type { Logger } from "pino";
import type { Clock } from "../../host/clock.js";
import { AlkorError } from "../../model/errors.js";
import { parseRapiUsers, type RapiUser } from "./users.js";

/** The file system as the users file needs it; tests substitute their own. */
export interface RapiUsersFiles {
  /** Rejects with code ENOENT when the file is absent. */
  stat(path: string): Promise<{ ino: number; size: number; mtimeMs: number }>;
  read(path: string): Promise<string>;
}

export const nodeUsersFiles: RapiUsersFiles = {
  stat: (path) => stat(path),
  read: (path) => readFile(path, "utf8"),
};

export interface RapiUsersFileOptions {
  path: string;
  files: RapiUsersFiles;
  clock: Clock;
  log: Logger;
  /** How often at most the file is checked for changes. */
  checkIntervalMs: number;
}

/**
 * The users file, re-read when it changes as Ganeti's daemon does: before a
 * request is authenticated, at most once per check interval, its identity,
 * size and modification time are compared with the loaded version. A changed
 * file that does not parse is logged and the previous users stay; a removed
 * file lets no one in until it is back.
 */
export class RapiUsersFile {
  private users: ReadonlyMap<string, RapiUser> = new Map();
  private version: string | null = null;
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | undefined;
  /** One more at every change of the users; caches of verified credentials key on it. */
  generation = 0;

  constructor(private readonly options: RapiUsersFileOptions) {}

  /** The first load: a missing or invalid file is an error, naming the file and line. */
  async load(): Promise<void> {
    const { path, files } = this.options;
    let version: string;
    let text: string;
    try {
      version = versionOf(await files.stat(path));
      text = await files.read(path);
    } catch (error) {
      throw new AlkorError("environment_error", `The RAPI users file ${path} cannot be read: ${(error as Error).message}.`);
    }
    this.replace(parseRapiUsers(text, path), version);
    this.lastCheckAt = this.options.clock.monotonic();
  }

  /** The users, after re-reading the file if it changed. */
  async current(): Promise<ReadonlyMap<string, RapiUser>> {
    const now = this.options.clock.monotonic();
    if (this.checking === undefined && now - this.lastCheckAt >= this.options.checkIntervalMs) {
      this.lastCheckAt = now;
      this.checking = this.refresh().finally(() => (this.checking = undefined));
    }
    if (this.checking !== undefined) await this.checking;
    return this.users;
  }

  private async refresh(): Promise<void> {
    const { path, files, log } = this.options;
    let version: string;
    try {
      version = versionOf(await files.stat(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        log.warn({ err: error }, `The RAPI users file ${path} cannot be checked, so the previous users stay.`);
      } else if (this.version !== null) {
        log.warn(`The RAPI users file ${path} is gone; no one can log in to the RAPI until it is back.`);
        this.replace(new Map(), null);
      }
      return;
    }
    if (version === this.version) return;
    try {
      const users = parseRapiUsers(await files.read(path), path);
      this.replace(users, version);
      log.info({ users: users.size }, `Reloaded the RAPI users file ${path}.`);
    } catch (error) {
      // Remembered, so that a broken file is reported once, not at every check.
      this.version = version;
      log.warn({ err: error }, `The RAPI users file ${path} changed but cannot be used, so the previous users stay: ${(error as Error).message}`);
    }
  }

  private replace(users: ReadonlyMap<string, RapiUser>, version: string | null): void {
    this.users = users;
    this.version = version;
    this.generation += 1;
  }
}

function versionOf(stats: { ino: number; size: number; mtimeMs: number }): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
