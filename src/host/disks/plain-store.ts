import { AlkorError } from "../../model/errors.js";
import { alkorTag, type Lvm } from "../storage/lvm.js";
import type { LogicalVolume } from "../storage/lvm-report.js";
import { checkLvmName } from "../storage/names.js";
import { toolSaid } from "../storage/tool-output.js";
import { checkDiskRef, checkGrowth, checkSizeMiB, MiB, notEnoughSpace, uuidSource, type DiskRef, type DiskStore, type StoredDisk } from "./disk-store.js";

const volumeNamePattern = new RegExp(`^(${uuidSource})\\.disk(\\d+)$`);

/**
 * Disks of the "plain" template: one logical volume per disk in the node's
 * volume group, named `<diskUuid>.disk<index>` as Ganeti names its volumes,
 * tagged alkor. Logical volumes are always raw.
 */
export class PlainDiskStore implements DiskStore {
  readonly template = "plain";

  constructor(
    private readonly lvm: Lvm,
    private readonly volumeGroup = "alkor",
  ) {
    checkLvmName("volume group", volumeGroup);
  }

  /** The logical volume's name in the group. */
  volumeName(ref: DiskRef): string {
    const { diskUuid, index, format } = checkDiskRef(ref);
    if (format !== "raw") throw new AlkorError("wrong_input", `Disk ${diskUuid} is ${format}, but plain disks are raw logical volumes.`);
    return `${diskUuid}.disk${index}`;
  }

  pathOf(ref: DiskRef): string {
    return `/dev/${this.volumeGroup}/${this.volumeName(ref)}`;
  }

  async create(ref: DiskRef, sizeMiB: number): Promise<string> {
    const name = this.volumeName(ref);
    checkSizeMiB(sizeMiB, `disk ${ref.index} of instance ${ref.instanceUuid}`);
    if ((await this.lvm.logicalVolume(this.volumeGroup, name)) !== null) throw this.alreadyThere(ref);
    const freeMiB = await this.freeMiB();
    if (sizeMiB > freeMiB) throw notEnoughSpace(`Disk ${ref.index} of instance ${ref.instanceUuid} (${sizeMiB} MiB)`, sizeMiB, freeMiB, `volume group ${this.volumeGroup}`);
    try {
      await this.lvm.createLogicalVolume({ volumeGroup: this.volumeGroup, name, sizeBytes: sizeMiB * MiB, tags: [alkorTag] });
    } catch (error) {
      // A retry of the same create that got there between our check and lvcreate.
      if (toolSaid(error, /already exists in volume group/)) throw this.alreadyThere(ref);
      throw error;
    }
    return this.pathOf(ref);
  }

  async remove(ref: DiskRef): Promise<void> {
    const name = this.volumeName(ref);
    if ((await this.lvm.logicalVolume(this.volumeGroup, name)) === null) return;
    try {
      await this.lvm.removeLogicalVolume(this.volumeGroup, name);
    } catch (error) {
      if (!toolSaid(error, /Failed to find logical volume/)) throw error;
    }
  }

  async grow(ref: DiskRef, newSizeMiB: number): Promise<void> {
    const name = this.volumeName(ref);
    const what = `Disk ${ref.index} of instance ${ref.instanceUuid}`;
    const current = sizeMiBOf(await this.existing(ref));
    if (!checkGrowth(what, current, newSizeMiB)) return;
    const freeMiB = await this.freeMiB();
    if (newSizeMiB - current > freeMiB) {
      throw notEnoughSpace(`Growing ${what.toLowerCase()} from ${current} to ${newSizeMiB} MiB`, newSizeMiB - current, freeMiB, `volume group ${this.volumeGroup}`);
    }
    await this.lvm.extendLogicalVolume(this.volumeGroup, name, newSizeMiB * MiB);
  }

  /** The volume's size in whole MiB: what lvcreate made, rounded up to whole extents (4 MiB by default). */
  async sizeOf(ref: DiskRef): Promise<number | null> {
    const volume = await this.lvm.logicalVolume(this.volumeGroup, this.volumeName(ref));
    return volume === null ? null : sizeMiBOf(volume);
  }

  async freeMiB(): Promise<number> {
    const group = await this.lvm.volumeGroup(this.volumeGroup);
    if (group === null) throw new AlkorError("environment_error", `Volume group ${this.volumeGroup} does not exist on this node; alkor-prepare-storage makes it.`);
    return Math.floor(group.freeBytes / MiB);
  }

  async activate(ref: DiskRef): Promise<string> {
    await this.existing(ref);
    await this.lvm.activateLogicalVolume(this.volumeGroup, this.volumeName(ref));
    return this.pathOf(ref);
  }

  /** A volume already gone has nothing to deactivate. */
  async deactivate(ref: DiskRef): Promise<void> {
    const name = this.volumeName(ref);
    if ((await this.lvm.logicalVolume(this.volumeGroup, name)) === null) return;
    await this.lvm.deactivateLogicalVolume(this.volumeGroup, name);
  }

  /** The group's volumes tagged alkor and named `<diskUuid>.disk<index>`; none without the group. */
  async inventory(): Promise<StoredDisk[]> {
    return (await this.lvm.logicalVolumes(this.volumeGroup)).flatMap((volume) => {
      const match = volumeNamePattern.exec(volume.name);
      if (match === null || !volume.tags.includes(alkorTag)) return [];
      return [{ diskUuid: match[1]!, index: Number(match[2]), location: `${this.volumeGroup}/${volume.name}` }];
    });
  }

  private async existing(ref: DiskRef): Promise<LogicalVolume> {
    const volume = await this.lvm.logicalVolume(this.volumeGroup, this.volumeName(ref));
    if (volume === null) {
      throw new AlkorError("environment_error", `Disk ${ref.index} of instance ${ref.instanceUuid} is missing on this node: there is no logical volume ${this.volumeGroup}/${this.volumeName(ref)}.`);
    }
    return volume;
  }

  private alreadyThere(ref: DiskRef): AlkorError {
    return new AlkorError("already_exists", `Disk ${ref.index} of instance ${ref.instanceUuid} already exists as logical volume ${this.volumeGroup}/${this.volumeName(ref)}.`, {
      path: this.pathOf(ref),
    });
  }
}

function sizeMiBOf(volume: LogicalVolume): number {
  return Math.floor(volume.sizeBytes / MiB);
}
