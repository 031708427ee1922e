import type { Exec, ExecOptions } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import { lvsFields, parseLvsReport, parsePvsReport, parseVgsReport, pvsFields, vgsFields, type LogicalVolume, type PhysicalVolume, type VolumeGroup } from "./lvm-report.js";
import { checkDevicePath, checkLvmName } from "./names.js";
import { toolSaid } from "./tool-output.js";

/** The tag on every volume group and logical volume alkor creates, so it can tell its own from foreign data. */
export const alkorTag = "alkor";

/**
 * How the LVM tools run: English messages (recognised below), no warnings about
 * descriptors Node leaves open, and device nodes made by libdevmapper itself:
 * some lab guests run no udev, and waiting for udev there hangs (LAB-NOTES).
 */
const lvmEnv = { LC_ALL: "C", LVM_SUPPRESS_FD_WARNINGS: "1", DM_DISABLE_UDEV: "1" };
const readOptions: ExecOptions = { env: lvmEnv };
// Writes zero and wipe new volumes; under TCG emulation that takes a while.
const writeOptions: ExecOptions = { env: lvmEnv, timeoutMs: 120_000 };
const reportArgs = ["--reportformat", "json", "--units", "b", "--nosuffix"];
// -qq answers "no" to every prompt (lvm(8)): a tool that would ask before wiping
// a signature or removing volumes fails instead of waiting forever on stdin.
const noPrompts = "-qq";

/** LVM2 through its command-line tools. */
export class Lvm {
  constructor(private readonly exec: Exec) {}

  /** `pvcreate` on each device; refuses (answers no) where it would wipe an existing signature. */
  async createPhysicalVolumes(devices: readonly string[]): Promise<void> {
    await this.exec.run(["pvcreate", noPrompts, ...devices.map(checkDevicePath)], writeOptions);
  }

  async removePhysicalVolumes(devices: readonly string[]): Promise<void> {
    await this.exec.run(["pvremove", noPrompts, ...devices.map(checkDevicePath)], writeOptions);
  }

  /** `vgcreate --addtag alkor`: the tag marks the group as alkor's own. */
  async createVolumeGroup(name: string, devices: readonly string[], tags: readonly string[] = [alkorTag]): Promise<void> {
    if (devices.length === 0) throw new AlkorError("wrong_input", `Volume group ${name} needs at least one physical volume.`);
    await this.exec.run(["vgcreate", noPrompts, ...tags.flatMap((tag) => ["--addtag", tag]), checkLvmName("volume group", name), ...devices.map(checkDevicePath)], writeOptions);
  }

  async extendVolumeGroup(name: string, devices: readonly string[]): Promise<void> {
    await this.exec.run(["vgextend", noPrompts, checkLvmName("volume group", name), ...devices.map(checkDevicePath)], writeOptions);
  }

  /** Removes an empty volume group; one that still holds logical volumes is refused, never forced. */
  async removeVolumeGroup(name: string): Promise<void> {
    const group = await this.volumeGroup(name);
    if (group === null) throw new AlkorError("unknown_entity", `Volume group ${name} does not exist.`);
    if (group.logicalVolumeCount > 0) {
      throw new AlkorError("wrong_state", `Volume group ${name} still holds ${group.logicalVolumeCount} logical volume(s); remove them first.`);
    }
    await this.exec.run(["vgremove", noPrompts, name], writeOptions);
  }

  /** Every physical volume, or those on the given devices. */
  async physicalVolumes(devices: readonly string[] = []): Promise<PhysicalVolume[]> {
    const { stdout } = await this.exec.run(["pvs", ...reportArgs, "-o", pvsFields.join(","), ...devices.map(checkDevicePath)], readOptions);
    return parsePvsReport(stdout);
  }

  async volumeGroups(): Promise<VolumeGroup[]> {
    const { stdout } = await this.exec.run(["vgs", ...reportArgs, "-o", vgsFields.join(",")], readOptions);
    return parseVgsReport(stdout);
  }

  /** One volume group, or null when there is none of that name. */
  async volumeGroup(name: string): Promise<VolumeGroup | null> {
    try {
      const { stdout } = await this.exec.run(["vgs", ...reportArgs, "-o", vgsFields.join(","), checkLvmName("volume group", name)], readOptions);
      return parseVgsReport(stdout)[0] ?? null;
    } catch (error) {
      if (toolSaid(error, /Volume group "[^"]*" not found/)) return null;
      throw error;
    }
  }

  /** The logical volumes of a volume group (all of them without one); none when the group does not exist. */
  async logicalVolumes(volumeGroup?: string): Promise<LogicalVolume[]> {
    try {
      const target = volumeGroup === undefined ? [] : [checkLvmName("volume group", volumeGroup)];
      const { stdout } = await this.exec.run(["lvs", ...reportArgs, "-o", lvsFields.join(","), ...target], readOptions);
      return parseLvsReport(stdout);
    } catch (error) {
      if (volumeGroup !== undefined && toolSaid(error, /Volume group "[^"]*" not found/)) return [];
      throw error;
    }
  }

  /** One logical volume, or null when it (or its group) does not exist. */
  async logicalVolume(volumeGroup: string, name: string): Promise<LogicalVolume | null> {
    try {
      const { stdout } = await this.exec.run(["lvs", ...reportArgs, "-o", lvsFields.join(","), lvPath(volumeGroup, name)], readOptions);
      return parseLvsReport(stdout)[0] ?? null;
    } catch (error) {
      if (toolSaid(error, /Failed to find logical volume|Volume group "[^"]*" not found/)) return null;
      throw error;
    }
  }

  /**
   * `lvcreate -L SIZE -n NAME`, active, tagged. -y with --wipesignatures y:
   * a new volume may start where an old one left a filesystem or DRBD
   * metadata, which must not be taken for this volume's own.
   */
  async createLogicalVolume(spec: { volumeGroup: string; name: string; sizeBytes: number; tags?: readonly string[] }): Promise<LogicalVolume> {
    const { volumeGroup, name, sizeBytes } = spec;
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) throw new AlkorError("wrong_input", `The size of logical volume ${name} must be a positive number of bytes.`);
    const tags = spec.tags ?? [alkorTag];
    await this.exec.run(
      ["lvcreate", "-L", `${sizeBytes}b`, "-n", checkLvmName("logical volume", name), "-y", "--wipesignatures", "y", ...tags.flatMap((tag) => ["--addtag", tag]), checkLvmName("volume group", volumeGroup)],
      writeOptions,
    );
    const created = await this.logicalVolume(volumeGroup, name);
    if (created === null) throw new AlkorError("environment_error", `lvcreate reported success, but logical volume ${volumeGroup}/${name} is not listed.`);
    return created;
  }

  /**
   * `lvextend -L SIZE` to an absolute size, rounded up to whole extents.
   * lvextend refuses a size that is not larger ("New size ... matches existing
   * size"), so callers compare first. No -r: the file system inside belongs to
   * the guest, not to the node.
   */
  async extendLogicalVolume(volumeGroup: string, name: string, sizeBytes: number): Promise<void> {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) throw new AlkorError("wrong_input", `The size of logical volume ${name} must be a positive number of bytes.`);
    await this.exec.run(["lvextend", "-L", `${sizeBytes}b`, lvPath(volumeGroup, name)], writeOptions);
  }

  async activateLogicalVolume(volumeGroup: string, name: string): Promise<void> {
    await this.exec.run(["lvchange", "-ay", lvPath(volumeGroup, name)], writeOptions);
  }

  async deactivateLogicalVolume(volumeGroup: string, name: string): Promise<void> {
    await this.exec.run(["lvchange", "-an", lvPath(volumeGroup, name)], writeOptions);
  }

  /** `lvremove -f`: removes the volume even if active (not if open: the kernel refuses that). */
  async removeLogicalVolume(volumeGroup: string, name: string): Promise<void> {
    await this.exec.run(["lvremove", "-f", lvPath(volumeGroup, name)], writeOptions);
  }
}

function lvPath(volumeGroup: string, name: string): string {
  return `${checkLvmName("volume group", volumeGroup)}/${checkLvmName("logical volume", name)}`;
}
