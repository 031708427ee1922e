import type { Exec } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import type { DiskFormat } from "./disk-store.js";
import { parseQemuImgInfo, type ImageInfo } from "./qemu-img-info.js";

// Image paths are absolute, so qemu-img cannot read one as an option.
function checkImagePath(path: string): string {
  if (!path.startsWith("/") || path.includes("\0")) throw new AlkorError("wrong_input", `"${path}" is not an absolute image path.`);
  return path;
}

/**
 * qemu-img(1). The format is always given (-f): probing a raw image whose
 * guest wrote a qcow2 header would hand the guest the host's files.
 */
export class QemuImg {
  constructor(private readonly exec: Exec) {}

  /** `qemu-img create`: raw images are sparse, qcow2 ones hold only their metadata. Overwrites what is at path. */
  async create(path: string, format: DiskFormat, sizeMiB: number): Promise<void> {
    await this.exec.run(["qemu-img", "create", "-q", "-f", format, checkImagePath(path), `${sizeMiB}M`]);
  }

  /** `qemu-img info -U`: -U (force share) reads an image a running instance holds locked. */
  async info(path: string, format: DiskFormat): Promise<ImageInfo> {
    const { stdout } = await this.exec.run(["qemu-img", "info", "-U", "-f", format, "--output=json", checkImagePath(path)]);
    return parseQemuImgInfo(stdout);
  }

  /** `qemu-img resize` to an absolute size; it refuses to shrink without --shrink, which alkor never passes. */
  async resize(path: string, format: DiskFormat, sizeMiB: number): Promise<void> {
    await this.exec.run(["qemu-img", "resize", "-q", "-f", format, checkImagePath(path), `${sizeMiB}M`]);
  }
}
