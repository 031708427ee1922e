import { z } from "zod";
import { BeParamsInputSchema, DiskInputSchema, HvParamsInputSchema, NicInputSchema, type BeParamsInput, type DiskInput, type NicInput } from "../../cluster/opcodes/instance-params.js";
import { HvParamsSchema } from "../../cluster/state/instance-schema.js";
import { UsageError } from "../common.js";
import { checkRequest } from "../options.js";
import { parseSize } from "./sizes.js";

/*
 * Parameter groups as the command line and batch-create files give them
 * (text, or JSON values) turned into the typed values of the instance
 * opcodes, then checked against the opcodes' own schemas. `what` names
 * where they came from ("-B", "--net 0", "instance web1: backend") so that
 * an error says which option or field was wrong.
 */

export type RawValue = string | number | boolean | null;
export type RawParams = Readonly<Record<string, RawValue>>;

type Kind = "size" | "integer" | "boolean" | "text";

const BE_KINDS: Readonly<Record<string, Kind>> = {
  maxmem: "size",
  minmem: "size",
  memory: "size",
  vcpus: "integer",
  auto_balance: "boolean",
  always_failover: "boolean",
  spindle_use: "integer",
};

/** The hypervisor parameters alkor's KVM takes, typed from the cluster's schema. */
const HV_KINDS: Readonly<Record<string, Kind>> = Object.fromEntries(
  Object.entries(HvParamsSchema.shape).map(([name, schema]) => [name, schema instanceof z.ZodBoolean ? "boolean" : "text"]),
);

/** Whether alkor's kvm has a parameter of this name. */
export function isHvParameter(name: string): boolean {
  return Object.hasOwn(HV_KINDS, name);
}

const NIC_KINDS: Readonly<Record<string, Kind>> = { mac: "text", ip: "text", mode: "text", link: "text", name: "text", bridge: "text" };
const DISK_KINDS: Readonly<Record<string, Kind>> = { size: "size", mode: "text", name: "text", format: "text", vg: "text", spindles: "integer" };

export const HYPERVISOR = "kvm";

function typed(kinds: Readonly<Record<string, Kind>>, raw: RawParams, what: string, group: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const kind = kinds[key];
    if (kind === undefined) throw new UsageError(`Unknown ${group} ${JSON.stringify(key)} in ${what}; known: ${Object.keys(kinds).join(", ")}.`);
    if (value === null) throw new UsageError(`${what} ${key}: alkor cannot reset a parameter to its default here; give a value.`);
    result[key] = convert(kind, value, `${what} ${key}`);
  }
  return result;
}

function convert(kind: Kind, value: string | number | boolean, what: string): unknown {
  switch (kind) {
    case "size":
      if (typeof value === "boolean") throw new UsageError(`${what}: expected a size, not ${value}.`);
      return parseSize(value, what);
    case "integer": {
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
      throw new UsageError(`${what}: expected an integer, not ${JSON.stringify(value)}.`);
    }
    case "boolean":
      // Ganeti's ForceDictType: the words true and false, or a bare key (true) and no_key (false).
      if (typeof value === "boolean") return value;
      if (typeof value === "string" && ["true", "false"].includes(value.toLowerCase())) return value.toLowerCase() === "true";
      throw new UsageError(`${what}: expected true or false, not ${JSON.stringify(value)}.`);
    case "text":
      if (typeof value === "boolean") throw new UsageError(`${what}: expected a value (${what}=VALUE).`);
      return String(value);
  }
}

/** Labels for checkRequest: each field by the option and key it came from. */
function labels(what: string, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, `${what} ${key}`]));
}

/** -B / backend: maxmem, minmem, memory (both), vcpus, auto_balance, always_failover. */
export function beParams(raw: RawParams, what = "-B"): BeParamsInput {
  return checkRequest(BeParamsInputSchema, typed(BE_KINDS, raw, what, "backend parameter"), labels(what, Object.keys(BE_KINDS)));
}

/** -H / hvparams of the kvm hypervisor. */
export function hvParams(raw: RawParams, what = "-H"): z.infer<typeof HvParamsInputSchema> {
  return checkRequest(HvParamsInputSchema, typed(HV_KINDS, raw, what, "kvm parameter"), labels(what, Object.keys(HV_KINDS)));
}

/** -H's text: Ganeti's HYPERVISOR:key=value,... form, where alkor's only hypervisor is kvm and may be left out. */
export function hypervisorOf(ident: string, what = "-H"): boolean {
  if (ident === HYPERVISOR) return true;
  throw new UsageError(`${what}: alkor runs instances under ${HYPERVISOR} only, not ${JSON.stringify(ident)}.`);
}

/** One NIC's mac, ip, mode, link, name (and bridge, Ganeti's older name for link). */
export function nicParams(raw: RawParams, what: string): NicInput {
  return checkRequest(NicInputSchema, typed(NIC_KINDS, raw, what, "NIC parameter"), labels(what, Object.keys(NIC_KINDS)));
}

/** A NIC change for modify, where every field is optional. */
export function nicChange(raw: RawParams, what: string): Partial<NicInput> {
  return checkRequest(NicInputSchema.partial(), typed(NIC_KINDS, raw, what, "NIC parameter"), labels(what, Object.keys(NIC_KINDS)));
}

/** One disk's size (required), mode, name, format. Adopting existing volumes is not supported. */
export function diskParams(raw: RawParams, what: string): DiskInput {
  if (Object.hasOwn(raw, "adopt")) throw new UsageError(`${what}: alkor does not adopt existing volumes; give size=SIZE.`);
  if (!Object.hasOwn(raw, "size")) throw new UsageError(`${what}: missing size=SIZE.`);
  return checkRequest(DiskInputSchema, typed(DISK_KINDS, raw, what, "disk parameter"), labels(what, Object.keys(DISK_KINDS)));
}

/** A disk change for modify (add needs a size; the opcode says so). */
export function diskChange(raw: RawParams, what: string): Partial<DiskInput> {
  if (Object.hasOwn(raw, "adopt")) throw new UsageError(`${what}: alkor does not adopt existing volumes; give size=SIZE.`);
  return checkRequest(DiskInputSchema.partial(), typed(DISK_KINDS, raw, what, "disk parameter"), labels(what, Object.keys(DISK_KINDS)));
}

/** -O: OS parameters are text, named as the OS definition names them. */
export function osParams(raw: RawParams, what = "-O"): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new UsageError(`${what}: OS parameter names are lower-case words, not ${JSON.stringify(key)}.`);
    if (value === null || typeof value === "boolean") throw new UsageError(`${what} ${key}: expected ${key}=VALUE.`);
    result[key] = String(value);
  }
  return result;
}

/**
 * Values given by index (--disk 0:..., --net 1:...) as a list: every index
 * from 0 up to the highest must be given, as Ganeti fills the list by index.
 */
export function byIndex<T>(entries: ReadonlyArray<{ index: number; value: T }>, option: string): T[] {
  const list: T[] = [];
  for (const { index, value } of entries) {
    if (list[index] !== undefined) throw new UsageError(`${option} ${index} is given twice.`);
    list[index] = value;
  }
  for (let index = 0; index < list.length; index++) {
    if (!(index in list)) throw new UsageError(`${option} ${index} is missing: indices count from 0 without gaps.`);
  }
  return list;
}

/** An index such as the 0 of --disk 0:size=10G. */
export function parseIndex(text: string, option: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) >= max) throw new UsageError(`Invalid index ${JSON.stringify(text)} in ${option}: expected 0 to ${max - 1}.`);
  return Number(text);
}
