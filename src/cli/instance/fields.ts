import { z } from "zod";
import { INSTANCE_FIELDS } from "../../api/rapi/instance-fields.js";
import { Missing, ResultStatus, UNAVAILABLE, type Field, type FieldKind, type FieldTable } from "../../api/rapi/query-fields.js";
import { HvParamsSchema } from "../../cluster/state/instance-schema.js";
import type { InstanceView } from "../../model/instance.js";
import type { Column } from "../table.js";
import { timestampText } from "../time-format.js";

/*
 * The fields of alkor-instance list: Ganeti's instance query fields, the
 * same table the RAPI answers from, plus the per-parameter and per-index
 * fields Ganeti's list also takes (be/maxmem, hv/kernel_path, disk.size/0,
 * nic.mac/1, ...). Each field has a kind, as in Ganeti's query: the CLI
 * formats by kind, and filters compare by it.
 */

const MIB = 1024 * 1024;

/** Ganeti's constants.MAX_DISKS and MAX_NICS, which alkor's configuration also keeps. */
const MAX_DISKS = 16;
const MAX_NICS = 8;

function field(title: string, kind: FieldKind, doc: string, get: (view: InstanceView) => unknown): Field<InstanceView> {
  return { title, kind, doc, get };
}

/** Ganeti's titles of the backend parameter fields (query._BE_TITLES). */
const BE_FIELDS: ReadonlyArray<[string, string, FieldKind]> = [
  ["maxmem", "ConfigMaxMem", "unit"],
  ["minmem", "ConfigMinMem", "unit"],
  ["vcpus", "ConfigVCPUs", "number"],
  ["auto_balance", "Auto_balance", "bool"],
  ["always_failover", "Always_failover", "bool"],
];

/** Ganeti's titles of the kvm parameters alkor has (constants.HVS_PARAMETER_TITLES where it names them). */
const HV_TITLES: Readonly<Record<string, string>> = {
  kernel_path: "Kernel_path",
  initrd_path: "Initrd_path",
  kernel_args: "Kernel_args",
  root_path: "Root_path",
  boot_order: "Boot_order",
  serial_console: "Serial_console",
  vnc_bind_address: "VNC_bind_address",
};

const PARAMETER_FIELDS: Array<[string, Field<InstanceView>]> = [
  ...BE_FIELDS.map(([name, title, kind]): [string, Field<InstanceView>] => [`be/${name}`, field(title, kind, `The "${name}" backend parameter`, (view) => view.beparams[name as keyof InstanceView["beparams"]])]),
  // Ganeti's be/memory, kept for scripts older than maxmem and minmem.
  ["be/memory", field("ConfigMemory", "unit", 'The "maxmem" backend parameter', (view) => view.beparams.maxmem)],
  ...Object.entries(HvParamsSchema.shape).map(([name, schema]): [string, Field<InstanceView>] => [
    `hv/${name}`,
    field(HV_TITLES[name] ?? `hv/${name}`, schema instanceof z.ZodBoolean ? "bool" : "text", `The "${name}" hypervisor parameter`, (view) => view.hvparams[name] ?? UNAVAILABLE),
  ]),
];

/** Ganeti's per-index fields: the item's value, or unavailable ("-") when the instance has no such disk or NIC. */
const INDEXED: ReadonlyArray<{ pattern: RegExp; max: number; make: (index: number) => Field<InstanceView> }> = [
  { pattern: /^disk\.size\/(\d+)$/, max: MAX_DISKS, make: (i) => field(`Disk/${i}`, "unit", `Disk size of disk ${i}`, (view) => view.disks[i]?.sizeMiB ?? UNAVAILABLE) },
  { pattern: /^disk\.name\/(\d+)$/, max: MAX_DISKS, make: (i) => field(`DiskName/${i}`, "text", `Name of disk ${i}`, (view) => (view.disks[i] ? view.disks[i].name : UNAVAILABLE)) },
  { pattern: /^disk\.uuid\/(\d+)$/, max: MAX_DISKS, make: (i) => field(`DiskUUID/${i}`, "text", `UUID of disk ${i}`, (view) => view.disks[i]?.uuid ?? UNAVAILABLE) },
  { pattern: /^nic\.mac\/(\d+)$/, max: MAX_NICS, make: (i) => field(`NicMAC/${i}`, "text", `MAC address of NIC ${i}`, (view) => view.nics[i]?.mac ?? UNAVAILABLE) },
  { pattern: /^nic\.ip\/(\d+)$/, max: MAX_NICS, make: (i) => field(`NicIP/${i}`, "text", `IP address of NIC ${i}`, (view) => (view.nics[i] ? view.nics[i].ip : UNAVAILABLE)) },
  { pattern: /^nic\.mode\/(\d+)$/, max: MAX_NICS, make: (i) => field(`NicMode/${i}`, "text", `Mode of NIC ${i}`, (view) => view.nics[i]?.mode ?? UNAVAILABLE) },
  { pattern: /^nic\.link\/(\d+)$/, max: MAX_NICS, make: (i) => field(`NicLink/${i}`, "text", `Link of NIC ${i}`, (view) => view.nics[i]?.link ?? UNAVAILABLE) },
  { pattern: /^nic\.name\/(\d+)$/, max: MAX_NICS, make: (i) => field(`NicName/${i}`, "text", `Name of NIC ${i}`, (view) => (view.nics[i] ? view.nics[i].name : UNAVAILABLE)) },
  { pattern: /^nic\.uuid\/(\d+)$/, max: MAX_NICS, make: (i) => field(`NicUUID/${i}`, "text", `UUID of NIC ${i}`, (view) => view.nics[i]?.uuid ?? UNAVAILABLE) },
  {
    pattern: /^nic\.bridge\/(\d+)$/,
    max: MAX_NICS,
    make: (i) => field(`NicBridge/${i}`, "text", `Bridge of NIC ${i}`, (view) => (view.nics[i] ? (view.nics[i].mode === "bridged" ? view.nics[i].link : null) : UNAVAILABLE)),
  },
];

/** The fixed fields: the query's and the parameter fields. */
export const STATIC_INSTANCE_FIELDS: FieldTable<InstanceView> = new Map([...INSTANCE_FIELDS, ...PARAMETER_FIELDS]);

/** Ganeti's default fields of gnt-instance list (_LIST_DEF_FIELDS). */
export const DEFAULT_INSTANCE_FIELDS = ["name", "hypervisor", "os", "pnode", "status", "oper_ram"] as const;

/** The fixed fields, and the per-index ones among `names` (disk.size/0, nic.mac/1, ...). */
export function instanceFields(names: readonly string[]): FieldTable<InstanceView> {
  const table = new Map(STATIC_INSTANCE_FIELDS);
  for (const name of names) {
    for (const indexed of INDEXED) {
      const match = indexed.pattern.exec(name);
      if (match && Number(match[1]) < indexed.max) table.set(name, indexed.make(Number(match[1])));
    }
  }
  return table;
}

/** Ganeti's marks for values a field cannot give (constants.RSS_DESCRIPTION): no data "?", unavailable "-", offline "*". */
function missingText(missing: Missing): string {
  if (missing.status === ResultStatus.noData) return "?";
  if (missing.status === ResultStatus.offline) return "*";
  return "-";
}

/** One item of a list, or a text value: none ("-") where Ganeti's would be None. */
function itemText(value: unknown): string {
  if (value === null || value === undefined) return "-";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A field as a list column, formatted by its kind as Ganeti's GenericList
 * does: units as sizes (right-aligned, --units), numbers right-aligned,
 * booleans Y/N, timestamps as local time, lists joined by commas.
 */
export function fieldColumn(name: string, spec: Field<InstanceView>): Column<InstanceView> {
  const kind = spec.kind === "unit" ? "size" : spec.kind === "number" ? "number" : "text";
  return {
    name,
    title: spec.title,
    kind,
    value: (view) => {
      const value = spec.get(view);
      if (value instanceof Missing) return missingText(value);
      switch (spec.kind) {
        case "unit":
          return typeof value === "number" ? value * MIB : itemText(value);
        case "number":
          return typeof value === "number" ? value : itemText(value);
        case "bool":
          return value ? "Y" : "N";
        case "timestamp":
          // The query's timestamps are epoch seconds.
          return typeof value === "number" ? timestampText(value * 1000) : itemText(value);
        default:
          return Array.isArray(value) ? value.map(itemText).join(",") : itemText(value);
      }
    },
  };
}

export function fieldColumns(table: FieldTable<InstanceView>): Column<InstanceView>[] {
  return [...table].map(([name, spec]) => fieldColumn(name, spec));
}
