import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { DiskTemplateSchema } from "../../cluster/state/instance-schema.js";
import { AlkorError } from "../../model/errors.js";
import { printLines, UsageError } from "../common.js";
import { callerProcess } from "../io.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { compareInstanceNames } from "../../api/rapi/instance-fields.js";
import { checkRequest } from "../options.js";
import { failedCount, runJobs, type NamedJob } from "./many-jobs.js";
import { instanceName } from "./names.js";
import { beParams, diskParams, hvParams, hypervisorOf, nicParams, type RawParams, type RawValue } from "./params.js";

/*
 * gnt-instance batch-create's file (Ganeti 2.x before the multi-allocation
 * opcode): a JSON object whose keys are instance names and whose values are
 * specs, e.g.
 *
 *   {"web1": {"template": "plain", "os": "debootstrap+default",
 *             "disk_size": ["10G"], "backend": {"maxmem": 512, "vcpus": 2},
 *             "primary_node": "node1", "nics": [{"link": "br0"}]}}
 *
 * Fields: template (or disk_template), os, disk_size (a list of sizes;
 * 20G when left out), backend (or ram_size, the 1.2 batcher's memory),
 * hypervisor ("kvm") and hvparams, primary_node / secondary_node (or
 * primary / secondary) or iallocator, nics (a list) or the one NIC's ip,
 * mac, mode, link, bridge; start, ip_check, name_check. Each instance is
 * one OP_INSTANCE_CREATE job.
 */

/** Ganeti's default disk_size: one disk of 20 GiB. */
const DEFAULT_DISK_SIZES = [20 * 1024];

const SINGLE_NIC_FIELDS = ["ip", "mac", "mode", "link", "bridge"] as const;

const KNOWN_FIELDS = new Set([
  "template",
  "disk_template",
  "os",
  "disk_size",
  "backend",
  "ram_size",
  "hypervisor",
  "hvparams",
  "primary_node",
  "primary",
  "secondary_node",
  "secondary",
  "iallocator",
  "nics",
  ...SINGLE_NIC_FIELDS,
  "start",
  "ip_check",
  "name_check",
  // Ganeti's; accepted only at values that change nothing in alkor.
  "file_storage_dir",
  "file_driver",
  "force_variant",
]);

type Spec = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field's value checked to be text, a number, a boolean or null, as parameters are. */
function rawParams(value: unknown, where: string): RawParams {
  if (!isObject(value)) throw new UsageError(`${where}: expected an object of parameters.`);
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && !["string", "number", "boolean"].includes(typeof item)) throw new UsageError(`${where}.${key}: expected text, a number or true/false.`);
  }
  return value as RawParams;
}

function text(spec: Spec, names: readonly string[], where: string): string | undefined {
  const given = names.filter((name) => spec[name] !== undefined && spec[name] !== null);
  if (given.length > 1) throw new UsageError(`${where}: give only one of ${given.join(" and ")}.`);
  if (given.length === 0) return undefined;
  const value = spec[given[0]!];
  if (typeof value !== "string" || value === "") throw new UsageError(`${where}.${given[0]}: expected a non-empty string.`);
  return value;
}

function flag(spec: Spec, name: string, where: string): boolean | undefined {
  const value = spec[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new UsageError(`${where}.${name}: expected true or false.`);
  return value;
}

function disksOf(spec: Spec, template: string, where: string): unknown[] {
  const sizes = spec.disk_size ?? (template === "diskless" ? [] : DEFAULT_DISK_SIZES);
  if (!Array.isArray(sizes)) throw new UsageError(`${where}.disk_size: expected a list of sizes, such as ["10G"].`);
  return sizes.map((size, index) => {
    if (typeof size !== "string" && typeof size !== "number") throw new UsageError(`${where}.disk_size[${index}]: expected a size such as "10G" or a number of MiB.`);
    return diskParams({ size }, `${where}.disk_size[${index}]`);
  });
}

function nicsOf(spec: Spec, where: string): unknown[] | undefined {
  const single = SINGLE_NIC_FIELDS.filter((name) => spec[name] !== undefined);
  if (spec.nics !== undefined && spec.nics !== null) {
    if (single.length > 0) throw new UsageError(`${where}: the nics list cannot be combined with the single NIC's ${single.join(", ")}.`);
    if (!Array.isArray(spec.nics)) throw new UsageError(`${where}.nics: expected a list of NICs.`);
    return spec.nics.map((nic, index) => nicParams(rawParams(nic, `${where}.nics[${index}]`), `${where}.nics[${index}]`));
  }
  if (single.length === 0) return undefined;
  const nic: Record<string, RawValue> = {};
  for (const name of single) nic[name] = spec[name] as RawValue;
  return [nicParams(rawParams(nic, where), where)];
}

function backendOf(spec: Spec, where: string): RawParams | undefined {
  const backend = spec.backend === undefined || spec.backend === null ? undefined : rawParams(spec.backend, `${where}.backend`);
  if (spec.ram_size === undefined || spec.ram_size === null) return backend;
  if (backend?.memory !== undefined || backend?.maxmem !== undefined) throw new UsageError(`${where}: give the memory either as ram_size or in backend, not both.`);
  if (typeof spec.ram_size !== "number" && typeof spec.ram_size !== "string") throw new UsageError(`${where}.ram_size: expected a size.`);
  return { ...backend, memory: spec.ram_size };
}

/** Refuses Ganeti's fields that alkor has no use for, unless they ask for nothing. */
function refuseUnsupported(spec: Spec, where: string): void {
  if (spec.file_storage_dir !== undefined && spec.file_storage_dir !== null) throw new UsageError(`${where}.file_storage_dir: alkor keeps file disks in the cluster's file storage directory.`);
  if (spec.file_driver !== undefined && spec.file_driver !== null && spec.file_driver !== "loop") throw new UsageError(`${where}.file_driver: alkor's file disks are opened by qemu itself; leave it out.`);
  if (spec.force_variant === true) throw new UsageError(`${where}.force_variant: alkor installs only variants the OS lists.`);
}

/** One instance's spec as the OP_INSTANCE_CREATE of its job. */
export function batchInstanceOp(name: string, spec: unknown): OpcodeInput {
  const where = `Instance ${name}`;
  const instance = instanceName(name, `${where}: name`);
  if (!isObject(spec)) throw new UsageError(`${where}: expected an object with its template, os and disk_size.`);
  const unknown = Object.keys(spec).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw new UsageError(`${where}: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}.`);
  refuseUnsupported(spec, where);
  const os = text(spec, ["os"], where);
  if (os === undefined) throw new UsageError(`${where}: the field os is missing.`);
  const templateText = text(spec, ["template", "disk_template"], where);
  if (templateText === undefined) throw new UsageError(`${where}: the field template is missing.`);
  const template = checkRequest(DiskTemplateSchema, templateText, { "": `${where}.template` });
  const hypervisor = text(spec, ["hypervisor"], where);
  if (hypervisor !== undefined) hypervisorOf(hypervisor, `${where}.hypervisor`);
  const pnode = text(spec, ["primary_node", "primary"], where);
  const snode = text(spec, ["secondary_node", "secondary"], where);
  const iallocator = text(spec, ["iallocator"], where);
  // Ganeti: the nodes given take precedence over the allocator.
  const placement = pnode !== undefined ? { pnode, ...(snode === undefined ? {} : { snode }) } : iallocator !== undefined ? { iallocator } : {};
  if (pnode === undefined && snode !== undefined) throw new UsageError(`${where}: a secondary node needs a primary node.`);
  const backend = backendOf(spec, where);
  const hvparams = spec.hvparams === undefined || spec.hvparams === null ? undefined : hvParams(rawParams(spec.hvparams, `${where}.hvparams`), `${where}.hvparams`);
  const nics = nicsOf(spec, where);
  const start = flag(spec, "start", where);
  const ipCheck = flag(spec, "ip_check", where);
  const nameCheck = flag(spec, "name_check", where);
  return {
    OP_ID: "OP_INSTANCE_CREATE",
    instance_name: instance,
    os_type: os,
    disk_template: template,
    disks: disksOf(spec, template, where),
    ...(nics === undefined ? {} : { nics }),
    ...placement,
    ...(backend === undefined ? {} : { beparams: beParams(backend, `${where}.backend`) }),
    ...(hvparams === undefined ? {} : { hvparams }),
    ...(hypervisor === undefined ? {} : { hypervisor }),
    ...(start === undefined ? {} : { start }),
    ...(ipCheck === undefined ? {} : { ip_check: ipCheck }),
    ...(nameCheck === undefined ? {} : { name_check: nameCheck }),
  };
}

/** The file's text as one job per instance, in name order; any mistake names the instance and the field. */
export function parseBatchFile(content: string): NamedJob[] {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw new UsageError(`Can't parse the instance definition file: ${(error as Error).message}.`);
  }
  if (!isObject(document)) throw new UsageError("The instance definition file is not in dict format: expected a JSON object of instance names and their specs.");
  const names = Object.keys(document).sort(compareInstanceNames);
  if (names.length === 0) throw new UsageError("The instance definition file defines no instances.");
  return names.map((name) => ({ name, ops: [batchInstanceOp(name, document[name])] }));
}

export function addInstanceBatchCreateCommand(program: Command): void {
  const command = program
    .command("batch-create")
    .description("create the instances a JSON file defines, one job each (see Ganeti's gnt-instance batch-create)")
    .argument("<file>", "the instance definition file");
  addJobOptions(command).action(async (file: string, options: JobOptions) => {
    const caller = callerProcess("reads an instance definition file");
    let content: string;
    try {
      content = await readFile(resolve(caller.cwd, file), "utf8");
    } catch (error) {
      throw new UsageError(`Cannot read the instance definition file ${file}: ${(error as Error).message}.`);
    }
    const jobs = parseBatchFile(content);
    const outcomes = await runJobs(jobs, options);
    if (options.submit) {
      if (failedCount(outcomes, true) > 0) throw new AlkorError("wrong_state", `${failedCount(outcomes, true)} of ${jobs.length} jobs could not be submitted.`);
      return;
    }
    const failed = failedCount(outcomes, false);
    if (failed > 0) throw new AlkorError("wrong_state", `There were ${failed} errors during the creation.`);
    printLines(["All instances created successfully."]);
  });
}
