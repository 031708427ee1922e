import { AlkorError } from "../../model/errors.js";

// Names go into argument arrays, so no shell can misread them; a leading "-"
// could still be read as an option by the tool, hence these checks.

/** LVM volume group and logical volume names (lvm(8) "VALID NAMES"). */
export function checkLvmName(kind: "volume group" | "logical volume", name: string): string {
  if (!/^[a-zA-Z0-9+_.][a-zA-Z0-9+_.-]{0,126}$/.test(name) || name === "." || name === "..") {
    throw new AlkorError("wrong_input", `"${name}" is not a valid ${kind} name: use letters, digits and + _ . -, not starting with -.`);
  }
  return name;
}

/** A block device path, e.g. /dev/vdb or /dev/alkor/vm1-disk0. */
export function checkDevicePath(device: string): string {
  if (!/^\/dev\/[a-zA-Z0-9+_.:/-]+$/.test(device) || device.includes("/../")) {
    throw new AlkorError("wrong_input", `"${device}" is not a block device path under /dev.`);
  }
  return device;
}

/** device-mapper and DRBD resource names: also used in file names, so no slash. */
export function checkResourceName(kind: "device-mapper device" | "DRBD resource", name: string): string {
  if (!/^[a-zA-Z0-9_][a-zA-Z0-9+_.-]{0,62}$/.test(name)) {
    throw new AlkorError("wrong_input", `"${name}" is not a valid ${kind} name: use letters, digits and + _ . -, not starting with - or ., at most 63 characters.`);
  }
  return name;
}
