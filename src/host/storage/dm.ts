import type { Exec, ExecOptions } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import { dmInfoFields, parseDmInfoColumns, parseDmTable, type DmDevice, type DmTableSegment } from "./dm-report.js";
import { checkDevicePath, checkResourceName } from "./names.js";
import { toolSaid } from "./tool-output.js";

/**
 * DM_DISABLE_UDEV=1: libdevmapper makes the /dev/mapper nodes itself instead
 * of waiting for udev, which some lab guests do not run (LAB-NOTES); C locale
 * for the messages recognised below.
 */
const dmEnv = { LC_ALL: "C", DM_DISABLE_UDEV: "1" };
const options: ExecOptions = { env: dmEnv };
const infoArgs = ["info", "-c", "--noheadings", "--separator", ":", "-o", dmInfoFields.join(",")];
const notFound = /Device does not exist|No such device or address/;

/** device-mapper through dmsetup. */
export class DeviceMapper {
  constructor(private readonly exec: Exec) {}

  /**
   * `dmsetup create NAME --table "0 LENGTH linear DEVICE OFFSET"`: maps
   * `lengthSectors` 512-byte sectors of `device` from `offsetSectors` on; the
   * whole device (`blockdev --getsz`) when no length is given.
   */
  async createLinear(name: string, device: string, extent: { offsetSectors?: number; lengthSectors?: number } = {}): Promise<void> {
    checkResourceName("device-mapper device", name);
    const offsetSectors = extent.offsetSectors ?? 0;
    const lengthSectors = extent.lengthSectors ?? (await this.sizeInSectors(device)) - offsetSectors;
    if (!Number.isSafeInteger(offsetSectors) || offsetSectors < 0 || !Number.isSafeInteger(lengthSectors) || lengthSectors <= 0) {
      throw new AlkorError("wrong_input", `A linear mapping ${name} over ${device} needs a positive length and a non-negative offset in sectors.`);
    }
    // --noudevsync: do not wait for a udev cookie that nobody may ever complete.
    await this.exec.run(["dmsetup", "create", name, "--noudevsync", "--table", `0 ${lengthSectors} linear ${checkDevicePath(device)} ${offsetSectors}`], options);
  }

  /** The device, or null when there is none of that name. */
  async info(name: string): Promise<DmDevice | null> {
    try {
      const { stdout } = await this.exec.run(["dmsetup", ...infoArgs, checkResourceName("device-mapper device", name)], options);
      return parseDmInfoColumns(stdout)[0] ?? null;
    } catch (error) {
      if (toolSaid(error, notFound)) return null;
      throw error;
    }
  }

  /** Every device-mapper device on the host (LVM's volumes too). */
  async list(): Promise<DmDevice[]> {
    const { stdout } = await this.exec.run(["dmsetup", ...infoArgs], options);
    return parseDmInfoColumns(stdout);
  }

  async table(name: string): Promise<DmTableSegment[]> {
    try {
      const { stdout } = await this.exec.run(["dmsetup", "table", checkResourceName("device-mapper device", name)], options);
      return parseDmTable(stdout);
    } catch (error) {
      if (toolSaid(error, notFound)) throw new AlkorError("unknown_entity", `There is no device-mapper device ${name}.`);
      throw error;
    }
  }

  /**
   * `dmsetup remove`; a device that is already gone counts as removed. An open
   * one is refused by the kernel, after dmsetup has retried for about 5 s:
   * udev opens every new device for a moment to probe it (LVM's
   * retry_deactivation does the same for its volumes).
   */
  async remove(name: string): Promise<void> {
    await this.exec.run(["dmsetup", "remove", "--retry", "--noudevsync", checkResourceName("device-mapper device", name)], options).catch((error: unknown) => {
      if (!toolSaid(error, notFound)) throw error;
    });
  }

  /** A block device's size in 512-byte sectors (`blockdev --getsz`), the unit of device-mapper tables. */
  async sizeInSectors(device: string): Promise<number> {
    const { stdout } = await this.exec.run(["blockdev", "--getsz", checkDevicePath(device)], options);
    const sectors = Number(stdout.trim());
    if (!/^\d+$/.test(stdout.trim()) || !Number.isSafeInteger(sectors)) {
      throw new AlkorError("environment_error", `The output of "blockdev --getsz ${device}" cannot be read: "${stdout.trim()}" is not a number of sectors.`);
    }
    return sectors;
  }
}
