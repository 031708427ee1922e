import { z } from "zod";
import { asAlkorError } from "../../model/errors.js";
import { systemInfoSections, type SystemInfoSource } from "./systeminformation-source.js";

const Text = z.string().max(256);
const Count = z.number().int().nonnegative();

export const InventoryDiskSchema = z.object({
  /** Kernel name, e.g. "nvme0n1". */
  name: Text,
  /** Device path, e.g. "/dev/nvme0n1". */
  device: Text,
  type: z.enum(["nvme", "ssd", "hdd", "unknown"]),
  sizeBytes: Count,
  model: Text,
  vendor: Text,
  serial: Text,
  /** Transport as lsblk names it ("sata", "sas", "nvme", "usb"); "" when unknown, as for virtio. */
  interface: Text,
  removable: z.boolean(),
  /** Holds a mounted filesystem itself or through a partition: the boot or root disk. */
  system: z.boolean(),
});
export type InventoryDisk = z.infer<typeof InventoryDiskSchema>;

export const InventoryNicSchema = z.object({
  name: Text,
  /** Lower case, colon separated; "" when the interface has none (loopback). */
  mac: Text,
  ipv4: Text,
  ipv6: Text,
  /** 0 when unknown: the kernel reports no speed while the link is down. */
  speedMbps: Count,
  mtu: Count,
  /** Loopback, bridges, bonds, veths: not a port in the chassis. */
  virtual: z.boolean(),
  /** Carries the default route. */
  defaultRoute: z.boolean(),
  operstate: Text,
});
export type InventoryNic = z.infer<typeof InventoryNicSchema>;

export const InventorySchema = z.object({
  /** DMI system information (SMBIOS type 1); placeholders are "". */
  system: z.object({
    manufacturer: Text,
    model: Text,
    version: Text,
    serial: Text,
    uuid: Text,
    sku: Text,
    virtual: z.boolean(),
  }),
  bios: z.object({ vendor: Text, version: Text, releaseDate: Text }),
  cpu: z.object({
    manufacturer: Text,
    model: Text,
    /** Physical cores over all sockets. */
    cores: Count,
    /** Hardware threads over all sockets. */
    threads: Count,
    sockets: Count,
    /** The CPU flag KVM needs: vmx (Intel VT-x) or svm (AMD-V). */
    virtualization: z.enum(["vmx", "svm", "none"]),
  }),
  memoryBytes: Count,
  disks: z.array(InventoryDiskSchema),
  nics: z.array(InventoryNicSchema),
  /** Calls that failed, so an operator can tell why a figure is empty. */
  warnings: z.array(z.string()),
});
export type Inventory = z.infer<typeof InventorySchema>;

/**
 * Reads the hardware through the source and normalises it. Every value is
 * treated as untrusted: a missing or odd field becomes "" or 0, a failed
 * call becomes a warning, and nothing here throws.
 */
export async function collectInventory(source: SystemInfoSource): Promise<Inventory> {
  const settled = await Promise.allSettled(systemInfoSections.map((section) => source[section]()));
  const warnings: string[] = [];
  const raw: Record<string, unknown> = {};
  settled.forEach((result, index) => {
    const section = systemInfoSections[index]!;
    if (result.status === "fulfilled") raw[section] = result.value;
    else warnings.push(`systeminformation ${section}() failed: ${asAlkorError(result.reason).message}`);
  });
  return {
    system: systemOf(raw["system"]),
    bios: biosOf(raw["bios"]),
    cpu: cpuOf(raw["cpu"]),
    memoryBytes: count(record(raw["mem"])["total"]),
    disks: disksOf(list(raw["diskLayout"]), list(raw["blockDevices"])),
    nics: list(raw["networkInterfaces"]).map(nicOf).filter((nic) => nic.name !== ""),
    warnings,
  };
}

function systemOf(value: unknown): Inventory["system"] {
  const system = record(value);
  const model = dmiText(system["model"]);
  return {
    manufacturer: dmiText(system["manufacturer"]),
    // "Computer" is what systeminformation reports when DMI has no product name.
    model: model === "Computer" ? "" : model,
    version: dmiText(system["version"]),
    serial: dmiText(system["serial"]),
    uuid: dmiText(system["uuid"]).toLowerCase(),
    sku: dmiText(system["sku"]),
    virtual: system["virtual"] === true,
  };
}

function biosOf(value: unknown): Inventory["bios"] {
  const bios = record(value);
  return { vendor: dmiText(bios["vendor"]), version: dmiText(bios["version"]), releaseDate: dmiText(bios["releaseDate"]) };
}

function cpuOf(value: unknown): Inventory["cpu"] {
  const cpu = record(value);
  const manufacturer = dmiText(cpu["manufacturer"]);
  const brand = dmiText(cpu["brand"]);
  // systeminformation splits "Intel Xeon Gold 6130" into manufacturer and brand; join them back.
  const model = brand.startsWith(manufacturer) ? brand : `${manufacturer} ${brand}`.trim();
  // The flag list runs to kilobytes, past what text() keeps.
  const flags = new Set(typeof cpu["flags"] === "string" ? cpu["flags"].split(/\s+/) : []);
  return {
    manufacturer,
    model: model.slice(0, 256),
    cores: count(cpu["physicalCores"]),
    threads: count(cpu["cores"]),
    sockets: count(cpu["processors"]),
    virtualization: flags.has("vmx") ? "vmx" : flags.has("svm") ? "svm" : "none",
  };
}

/**
 * Merges diskLayout() (type, vendor, serial; but it skips a mounted disk
 * without a model, such as a virtio boot disk) with blockDevices() (every
 * disk, removability, and the mounts of partitions).
 */
function disksOf(layout: unknown[], blocks: unknown[]): InventoryDisk[] {
  const mountedDevices = new Set<string>();
  const blockDisks = new Map<string, Record<string, unknown>>();
  for (const block of blocks.map(record)) {
    const name = text(block["name"]);
    const isDisk = block["type"] === "disk";
    if (isDisk && !isSoftwareDevice(name) && count(block["size"]) > 0) blockDisks.set(`/dev/${name}`, block);
    if (text(block["mount"]) !== "") mountedDevices.add(isDisk ? `/dev/${name}` : text(block["device"]));
  }
  const layoutDisks = new Map<string, Record<string, unknown>>();
  for (const disk of layout.map(record)) {
    const device = text(disk["device"]);
    if (device.startsWith("/dev/") && !isSoftwareDevice(device.slice(5))) layoutDisks.set(device, disk);
  }
  const devices = [...new Set([...blockDisks.keys(), ...layoutDisks.keys()])].sort(naturalOrder);
  return devices.map((device) => {
    const layoutDisk = layoutDisks.get(device) ?? {};
    const blockDisk = blockDisks.get(device) ?? {};
    const name = device.slice(5);
    const layoutInterface = text(layoutDisk["interfaceType"]).toLowerCase();
    // diskLayout() reports NVMe drives' transport as "PCIe"; lsblk calls it "nvme".
    const diskInterface = (layoutInterface === "pcie" ? "nvme" : layoutInterface) || text(blockDisk["protocol"]).toLowerCase();
    return {
      name,
      device,
      type: diskTypeOf(name, diskInterface, text(layoutDisk["type"]), text(blockDisk["physical"])),
      sizeBytes: count(layoutDisk["size"]) || count(blockDisk["size"]),
      model: dmiText(layoutDisk["name"]) || dmiText(blockDisk["model"]),
      vendor: dmiText(layoutDisk["vendor"]),
      serial: dmiText(layoutDisk["serialNum"]) || dmiText(blockDisk["serial"]),
      interface: diskInterface,
      removable: blockDisk["removable"] === true,
      system: mountedDevices.has(device),
    };
  });
}

/** Block devices lsblk reports as type "disk" that are not drives: DRBD devices are alkor's own mirrors. */
function isSoftwareDevice(name: string): boolean {
  return name === "" || /^(loop|ram|zram|nbd|drbd)\d/.test(name);
}

function diskTypeOf(name: string, diskInterface: string, layoutType: string, blockPhysical: string): InventoryDisk["type"] {
  if (name.startsWith("nvme") || diskInterface === "nvme" || layoutType === "NVMe") return "nvme";
  if (layoutType === "SSD" || blockPhysical === "SSD") return "ssd";
  if (layoutType === "HD" || blockPhysical === "HDD") return "hdd";
  return "unknown";
}

function nicOf(value: unknown): InventoryNic {
  const nic = record(value);
  const mac = text(nic["mac"]).toLowerCase();
  return {
    name: text(nic["iface"]),
    mac: /^[0-9a-f]{2}(:[0-9a-f]{2})+$/.test(mac) && !/^[0:]+$/.test(mac) ? mac : "",
    ipv4: text(nic["ip4"]),
    ipv6: text(nic["ip6"]),
    speedMbps: count(nic["speed"]),
    mtu: count(nic["mtu"]),
    virtual: nic["virtual"] === true || nic["internal"] === true || nic["type"] === "virtual",
    defaultRoute: nic["default"] === true,
    operstate: text(nic["operstate"]).toLowerCase(),
  };
}

/** Values cheap firmware leaves in DMI fields instead of leaving them empty. */
const placeholders = new Set([
  "default string",
  "to be filled by o.e.m.",
  "to be filled by oem",
  "o.e.m.",
  "oem",
  "not specified",
  "not applicable",
  "not available",
  "not present",
  "not settable",
  "none",
  "n/a",
  "na",
  "unknown",
  "invalid",
  "default",
  "system manufacturer",
  "system product name",
  "system version",
  "system serial number",
  "sku",
  "type1productconfigid",
  "0123456789",
  "123456789",
  "1234567890",
  // AMI's sample UUID, shipped unchanged by many boards.
  "03000200-0400-0500-0006-000700080009",
]);

/** A DMI-style string with placeholders ("Default string", "-", all-zero or all-F ids) turned into "". */
function dmiText(value: unknown): string {
  const clean = text(value);
  const lower = clean.toLowerCase();
  if (placeholders.has(lower) || lower.includes("default string") || lower.includes("to be filled by o.e.m.")) return "";
  if (/^[-0.\s]*$/.test(lower) || /^[-f]{8,}$/.test(lower) || /^x+$/.test(lower)) return "";
  return clean;
}

/** A trimmed string without control characters, at most 256 long; "" for anything that is not a string or number. */
function text(value: unknown): string {
  const raw = typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : "";
  return raw.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 256);
}

/** A non-negative integer, such as a size in bytes; 0 for anything else (systeminformation uses -1 and null for unknown). */
function count(value: unknown): number {
  const number = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number) || number < 0) return 0;
  return Math.min(Math.round(number), Number.MAX_SAFE_INTEGER);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Orders names as people do: eno2 before eno10. */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
