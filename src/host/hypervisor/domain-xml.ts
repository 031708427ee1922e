import { AlkorError } from "../../model/errors.js";
import type { DomainDisk, DomainNic, DomainSpec } from "./hypervisor.js";

/**
 * libvirt's domain XML (https://libvirt.org/formatdomain.html) for a spec.
 * Pure: every text and attribute value is escaped, so no parameter of an
 * instance can add elements or attributes of its own.
 *
 * The same XML for every domain type: libvirt 9.0's test driver accepts all
 * of it (disks, bridge/ethernet/openvswitch interfaces, the unix serial
 * console, VNC, machine 'pc', ACPI) and starts the domain, so the unit tests
 * define exactly what qemu:///system gets. No <emulator>: libvirt picks it.
 */
export function domainXml(spec: DomainSpec): string {
  checkSpec(spec);
  const lines = [
    `<domain type='${escapeXml(spec.domainType)}'>`,
    `  ${element("name", spec.name)}`,
    `  ${element("uuid", spec.uuid)}`,
    `  <memory unit='MiB'>${spec.maxMemoryMiB}</memory>`,
    `  <currentMemory unit='MiB'>${spec.memoryMiB}</currentMemory>`,
    `  <vcpu>${spec.vcpus}</vcpu>`,
    ...osLines(spec),
    // Without ACPI the guest never sees the power button that
    // requestShutdown (virDomainShutdown) and reboot press.
    "  <features><acpi/><apic/></features>",
    // alkor, not libvirt, decides what runs after a guest powers off or
    // crashes (Ganeti's watcher does the same); a guest reboot stays a reboot.
    "  <on_poweroff>destroy</on_poweroff>",
    "  <on_reboot>restart</on_reboot>",
    "  <on_crash>destroy</on_crash>",
    "  <devices>",
    ...spec.disks.map((disk, index) => diskXml(disk, index)),
    ...spec.nics.map((nic, index) => nicXml(nic, index, spec)),
    ...consoleLines(spec.serialConsolePath),
    ...(spec.vnc === null ? [] : [graphicsXml(spec.vnc)]),
    "  </devices>",
    "</domain>",
  ];
  return `${lines.join("\n")}\n`;
}

/** Ganeti's boot_order as libvirt boot devices: the chosen one first, then the disk. */
const bootDevices: Record<DomainSpec["bootOrder"], string[]> = {
  disk: ["hd"],
  cdrom: ["cdrom", "hd"],
  network: ["network", "hd"],
};

function osLines(spec: DomainSpec): string[] {
  // i440FX ('pc'): qemu's default x86_64 machine, which every guest OS knows.
  const lines = ["  <os>", "    <type arch='x86_64' machine='pc'>hvm</type>"];
  // As in Ganeti's kvm hypervisor, initrd, kernel arguments and root path
  // only mean something with a kernel to boot directly.
  if (spec.kernelPath !== null) {
    lines.push(`    ${element("kernel", spec.kernelPath)}`);
    if (spec.initrdPath !== null) lines.push(`    ${element("initrd", spec.initrdPath)}`);
    const cmdline = kernelCommandLine(spec);
    if (cmdline !== "") lines.push(`    ${element("cmdline", cmdline)}`);
  }
  for (const device of bootDevices[spec.bootOrder]) lines.push(`    <boot dev='${device}'/>`);
  lines.push("  </os>");
  return lines;
}

/** kernel_args, then root=root_path (Ganeti appends root= the same way). */
export function kernelCommandLine(spec: Pick<DomainSpec, "kernelArgs" | "rootPath">): string {
  const words = [spec.kernelArgs?.trim() ?? "", spec.rootPath === null ? "" : `root=${spec.rootPath}`];
  return words.filter((word) => word !== "").join(" ");
}

function diskXml(disk: DomainDisk, index: number): string {
  // cache='none' (O_DIRECT) for block devices, as Ganeti's disk_cache=none:
  // the host's page cache would only double the guest's. Files keep
  // libvirt's default, as O_DIRECT fails on tmpfs.
  const format = escapeXml(disk.format);
  const driver = disk.kind === "block" ? `<driver name='qemu' type='${format}' cache='none' io='native'/>` : `<driver name='qemu' type='${format}'/>`;
  const source = disk.kind === "block" ? `<source dev='${escapeXml(disk.path)}'/>` : `<source file='${escapeXml(disk.path)}'/>`;
  return [
    `    <disk type='${escapeXml(disk.kind)}' device='disk'>`,
    `      ${driver}`,
    `      ${source}`,
    `      <target dev='${virtioDiskName(index)}' bus='virtio'/>`,
    ...(disk.readOnly ? ["      <readonly/>"] : []),
    "    </disk>",
  ].join("\n");
}

/** vda, vdb, …, vdz, vdaa, vdab, …: the names Linux gives virtio disks in order. */
export function virtioDiskName(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new AlkorError("internal_error", `Disk index ${index} is not a whole number.`);
  let suffix = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) suffix = String.fromCharCode(97 + ((n - 1) % 26)) + suffix;
  return `vd${suffix}`;
}

function nicXml(nic: DomainNic, index: number, spec: DomainSpec): string {
  const common = [`      <mac address='${escapeXml(nic.mac)}'/>`, "      <model type='virtio'/>"];
  switch (nic.mode) {
    case "bridged":
      return ["    <interface type='bridge'>", `      <source bridge='${escapeXml(nic.link)}'/>`, ...common, "    </interface>"].join("\n");
    case "openvswitch":
      return [
        "    <interface type='bridge'>",
        `      <source bridge='${escapeXml(nic.link)}'/>`,
        "      <virtualport type='openvswitch'/>",
        ...common,
        "    </interface>",
      ].join("\n");
    case "routed":
      // A tap of a known name that libvirt creates and attaches to nothing;
      // the node routes the instance's addresses to it (link names the
      // routing table, which is the network layer's business, not libvirt's).
      return ["    <interface type='ethernet'>", `      <target dev='${routedTapName(spec.uuid, index)}'/>`, ...common, "    </interface>"].join("\n");
  }
}

/**
 * The tap of a routed NIC: "al", 10 hex digits of the instance's uuid, "n",
 * the NIC's index. Unique per node while uuids are, and within the 15
 * characters of a Linux interface name for up to 100 NICs.
 */
export function routedTapName(uuid: string, nicIndex: number): string {
  const hex = uuid.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new AlkorError("wrong_input", `${JSON.stringify(uuid)} is not a UUID.`);
  if (!Number.isSafeInteger(nicIndex) || nicIndex < 0 || nicIndex > 99) throw new AlkorError("wrong_input", `NIC index ${nicIndex} is out of range (0-99).`);
  return `al${hex.slice(0, 10)}n${nicIndex}`;
}

/** The serial port on a unix socket libvirt listens on, and the console on that same port. */
function consoleLines(path: string | null): string[] {
  if (path === null) return [];
  const source = `<source mode='bind' path='${escapeXml(path)}'/>`;
  return [
    "    <serial type='unix'>",
    `      ${source}`,
    "      <target port='0'/>",
    "    </serial>",
    "    <console type='unix'>",
    `      ${source}`,
    "      <target type='serial' port='0'/>",
    "    </console>",
  ];
}

/** VNC on the instance's own port (Ganeti's network_port), or one libvirt picks when it has none. */
function graphicsXml(vnc: NonNullable<DomainSpec["vnc"]>): string {
  const port = vnc.port === null ? "autoport='yes'" : `port='${vnc.port}' autoport='no'`;
  return `    <graphics type='vnc' ${port} listen='${escapeXml(vnc.address)}'/>`;
}

function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** Escapes the five XML specials, so a value is safe as text and inside either kind of quotes. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => xmlEntities[char] ?? char);
}

const xmlEntities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const macPattern = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** What libvirt would refuse with a less helpful message, or accept wrongly. */
function checkSpec(spec: DomainSpec): void {
  const wrong = (what: string) => new AlkorError("wrong_input", `Instance ${spec.name}: ${what}`);
  if (!uuidPattern.test(spec.uuid)) throw wrong(`${JSON.stringify(spec.uuid)} is not a UUID.`);
  if (!Number.isSafeInteger(spec.maxMemoryMiB) || spec.maxMemoryMiB <= 0) throw wrong(`maximum memory ${spec.maxMemoryMiB} MiB is not a positive whole number.`);
  if (!Number.isSafeInteger(spec.memoryMiB) || spec.memoryMiB <= 0 || spec.memoryMiB > spec.maxMemoryMiB) {
    throw wrong(`memory ${spec.memoryMiB} MiB must be a positive whole number at most the maximum memory (${spec.maxMemoryMiB} MiB).`);
  }
  if (!Number.isSafeInteger(spec.vcpus) || spec.vcpus <= 0) throw wrong(`${spec.vcpus} VCPUs is not a positive whole number.`);
  for (const nic of spec.nics) {
    if (!macPattern.test(nic.mac)) throw wrong(`${JSON.stringify(nic.mac)} is not a MAC address.`);
  }
  const port = spec.vnc?.port ?? null;
  if (port !== null && (!Number.isSafeInteger(port) || port < 1 || port > 65_535)) throw wrong(`VNC port ${port} is not a TCP port.`);
}
