import { mkdir, open, readdir, rmdir, stat, statfs, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Exec } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import { checkDiskRef, checkGrowth, checkSizeMiB, MiB, notEnoughSpace, uuidPattern, uuidSource, type DiskRef, type DiskStore, type StoredDisk } from "./disk-store.js";
import { QemuImg } from "./qemu-img.js";

const diskFilePattern = new RegExp(`^disk(\\d+)-(${uuidSource})\\.(raw|qcow2)$`);

/** Bytes free for new files in the file system holding directory. */
export type FreeBytes = (directory: string) => Promise<number>;

/** statfs(2): blocks available to unprivileged users, as Ganeti counts file storage (f_bavail * f_frsize). */
export const statfsFreeBytes: FreeBytes = async (directory) => {
  // The storage directory is made on first use; until then its nearest existing parent holds the file system it will be on.
  for (let path = directory; ; path = dirname(path)) {
    try {
      const stats = await statfs(path);
      return stats.bavail * stats.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || path === "/") throw error;
    }
  }
};

/**
 * Disks of the "file" template: image files under the cluster's file storage
 * directory, `<dir>/<instanceUuid>/disk<index>-<diskUuid>.<format>`, made and
 * grown by qemu-img.
 */
export class FileDiskStore implements DiskStore {
  readonly template = "file";
  private readonly qemuImg: QemuImg;
  private readonly freeBytes: FreeBytes;

  constructor(
    private readonly directory: string,
    exec: Exec,
    freeBytes: FreeBytes = statfsFreeBytes,
  ) {
    if (!directory.startsWith("/")) throw new AlkorError("wrong_input", `The file storage directory "${directory}" must be an absolute path.`);
    this.qemuImg = new QemuImg(exec);
    this.freeBytes = freeBytes;
  }

  pathOf(ref: DiskRef): string {
    const { instanceUuid, diskUuid, index, format } = checkDiskRef(ref);
    return join(this.directory, instanceUuid, `disk${index}-${diskUuid}.${format}`);
  }

  async create(ref: DiskRef, sizeMiB: number): Promise<string> {
    const path = this.pathOf(ref);
    checkSizeMiB(sizeMiB, `disk ${ref.index} of instance ${ref.instanceUuid}`);
    await this.makeDirectory(dirname(path));
    // An empty file made with O_EXCL claims the name first: qemu-img create
    // would silently overwrite a disk that is there, and two retries of one
    // create racing must not both succeed.
    try {
      await (await open(path, "wx", 0o600)).close();
    } catch (error) {
      if (errorCode(error) === "EEXIST") throw new AlkorError("already_exists", `Disk ${ref.index} of instance ${ref.instanceUuid} already exists at ${path}.`, { path });
      throw fileError(`create ${path}`, error);
    }
    try {
      const freeMiB = await this.freeMiB();
      if (sizeMiB > freeMiB) throw notEnoughSpace(`Disk ${ref.index} of instance ${ref.instanceUuid} (${sizeMiB} MiB)`, sizeMiB, freeMiB, `file storage ${this.directory}`);
      await this.qemuImg.create(path, ref.format, sizeMiB);
    } catch (error) {
      // The refusal or qemu-img's failure is what the caller needs to see, not a cleanup's.
      await this.removeFiles(path).catch(() => undefined);
      throw error;
    }
    return path;
  }

  async remove(ref: DiskRef): Promise<void> {
    await this.removeFiles(this.pathOf(ref));
  }

  async grow(ref: DiskRef, newSizeMiB: number): Promise<void> {
    const path = this.pathOf(ref);
    const what = `Disk ${ref.index} of instance ${ref.instanceUuid}`;
    const current = await this.sizeOf(ref);
    if (current === null) throw missingDisk(ref, path);
    if (!checkGrowth(what, current, newSizeMiB)) return;
    // Sparse images take the space later, as the guest writes; count it now, as for create.
    const freeMiB = await this.freeMiB();
    if (newSizeMiB - current > freeMiB) throw notEnoughSpace(`Growing ${what.toLowerCase()} from ${current} to ${newSizeMiB} MiB`, newSizeMiB - current, freeMiB, `file storage ${this.directory}`);
    await this.qemuImg.resize(path, ref.format, newSizeMiB);
  }

  /** The virtual size in whole MiB (rounded down, as Ganeti's repair-disk-sizes does), or null when there is no file. */
  async sizeOf(ref: DiskRef): Promise<number | null> {
    const path = this.pathOf(ref);
    if (!(await exists(path))) return null;
    const info = await this.qemuImg.info(path, ref.format);
    return Math.floor(info.virtualSizeBytes / MiB);
  }

  async freeMiB(): Promise<number> {
    try {
      return Math.floor((await this.freeBytes(this.directory)) / MiB);
    } catch (error) {
      throw fileError(`read the free space of file storage ${this.directory}`, error);
    }
  }

  /** A file needs no activation: qemu opens it. The disk must be there, though. */
  async activate(ref: DiskRef): Promise<string> {
    const path = this.pathOf(ref);
    if (!(await exists(path))) throw missingDisk(ref, path);
    return path;
  }

  async deactivate(ref: DiskRef): Promise<void> {
    checkDiskRef(ref);
  }

  /** The image files in instance directories (`<instanceUuid>/disk<index>-<diskUuid>.<format>`); none before the directory is made. */
  async inventory(): Promise<StoredDisk[]> {
    const disks: StoredDisk[] = [];
    for (const entry of await this.entries(this.directory)) {
      if (!entry.isDirectory() || !uuidPattern.test(entry.name)) continue;
      const instanceDirectory = join(this.directory, entry.name);
      for (const file of await this.entries(instanceDirectory)) {
        const match = diskFilePattern.exec(file.name);
        if (match !== null && file.isFile()) disks.push({ diskUuid: match[2]!, index: Number(match[1]), location: join(instanceDirectory, file.name) });
      }
    }
    return disks;
  }

  private async entries(directory: string) {
    try {
      return await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw fileError(`read directory ${directory}`, error);
    }
  }

  private async makeDirectory(path: string): Promise<void> {
    try {
      await mkdir(path, { recursive: true, mode: 0o750 });
    } catch (error) {
      throw fileError(`create directory ${path}`, error);
    }
  }

  /** Deletes the image and then the instance's directory once it holds nothing else. */
  private async removeFiles(path: string): Promise<void> {
    try {
      await unlink(path);
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw fileError(`remove ${path}`, error);
    }
    try {
      await rmdir(dirname(path));
    } catch (error) {
      // Another disk of the instance is still there, or the directory is gone already.
      if (!["ENOTEMPTY", "EEXIST", "ENOENT"].includes(errorCode(error) ?? "")) throw fileError(`remove directory ${dirname(path)}`, error);
    }
  }
}

function missingDisk(ref: DiskRef, path: string): AlkorError {
  return new AlkorError("environment_error", `Disk ${ref.index} of instance ${ref.instanceUuid} is missing on this node: there is no file ${path}.`, { path });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw fileError(`read ${path}`, error);
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function fileError(what: string, error: unknown): AlkorError {
  return new AlkorError("environment_error", `Could not ${what}: ${(error as Error).message}.`);
}
