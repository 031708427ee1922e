import { AlkorError } from "../../model/errors.js";
import { supportedApiVersions } from "./os-definition.js";

export interface OsEnvironmentDisk {
  /** Where the node sees the disk: an image file or a block device. */
  path: string;
  uuid: string;
  name: string | null;
  access: "rw" | "ro";
  backendType: "file" | "block";
  format: "raw" | "qcow2";
}

export interface OsEnvironmentNic {
  mac: string;
  uuid: string;
  name: string | null;
  ip: string | null;
  mode: "bridged" | "routed" | "openvswitch";
  /** The bridge (bridged, openvswitch) or routing table (routed). */
  link: string;
}

export type ParamValue = string | number | boolean;

export interface OsEnvironmentInput {
  /** The OS's name (without variant) and the variant being installed. */
  os: { name: string; variant: string | null };
  /** The instance's OS parameters (-O name=value), names as parameters.list declares them. */
  osParams: Record<string, string>;
  instance: {
    name: string;
    uuid: string;
    primaryNode: string;
    hypervisor: string;
    beparams: Record<string, ParamValue>;
    hvparams: Record<string, ParamValue>;
  };
  disks: OsEnvironmentDisk[];
  nics: OsEnvironmentNic[];
  /** 1 asks the scripts for verbose logs (ganeti-os-interface(7) knows 0 and 1). */
  debugLevel: 0 | 1;
  /** rename: the name the instance had. */
  oldInstanceName?: string;
  /** create: set when reinstalling an instance rather than creating it. */
  reinstall?: boolean;
  /** import and export run once per disk: which one. */
  transfer?: { direction: "import" | "export"; index: number };
}

/**
 * Scripts run with this environment only, not the agent's (Ganeti cleans it
 * since 2.5), so they get a PATH of their own (Ganeti's HOOKS_PATH).
 */
export const osScriptPath = "/sbin:/bin:/usr/sbin:/usr/bin";

/**
 * The environment of an OS script, ganeti-os-interface(7) API version 20,
 * built as Ganeti's OSEnvironment does, plus DISK_<n>_FORMAT (alkor's file
 * disks may be qcow2). Every value is a string; none may hold a NUL, which
 * cannot travel in an environment.
 */
export function osEnvironment(input: OsEnvironmentInput): Record<string, string> {
  const { os, instance } = input;
  const env: Record<string, string> = {
    PATH: osScriptPath,
    OS_API_VERSION: String(Math.max(...supportedApiVersions)),
    OS_NAME: os.name,
    // Ganeti exports the variant empty for an OS without variants.
    OS_VARIANT: os.variant ?? "",
    INSTANCE_NAME: instance.name,
    INSTANCE_OS: os.variant === null ? os.name : `${os.name}+${os.variant}`,
    INSTANCE_UUID: instance.uuid,
    INSTANCE_PRIMARY_NODE: instance.primaryNode,
    HYPERVISOR: instance.hypervisor,
    DEBUG_LEVEL: String(input.debugLevel),
    DISK_COUNT: String(input.disks.length),
    NIC_COUNT: String(input.nics.length),
  };

  for (const [name, value] of Object.entries(input.osParams)) {
    // "OSP_" + upper-cased name; a dash cannot stand in a shell variable's name (Ganeti replaces it too).
    env[`OSP_${name.toUpperCase().replaceAll("-", "_")}`] = value;
  }

  input.disks.forEach((disk, index) => {
    const prefix = `DISK_${index}_`;
    env[`${prefix}PATH`] = disk.path;
    env[`${prefix}ACCESS`] = disk.access;
    env[`${prefix}UUID`] = disk.uuid;
    if (disk.name !== null) env[`${prefix}NAME`] = disk.name;
    env[`${prefix}BACKEND_TYPE`] = disk.backendType;
    env[`${prefix}FORMAT`] = disk.format;
  });

  input.nics.forEach((nic, index) => {
    const prefix = `NIC_${index}_`;
    env[`${prefix}MAC`] = nic.mac;
    env[`${prefix}UUID`] = nic.uuid;
    if (nic.name !== null) env[`${prefix}NAME`] = nic.name;
    if (nic.ip !== null) env[`${prefix}IP`] = nic.ip;
    env[`${prefix}MODE`] = nic.mode;
    if (nic.mode === "bridged") env[`${prefix}BRIDGE`] = nic.link;
    if (nic.link !== "") env[`${prefix}LINK`] = nic.link;
  });

  // Names as they are (INSTANCE_BE_maxmem), as Ganeti exports them.
  for (const [kind, params] of [["BE", instance.beparams], ["HV", instance.hvparams]] as const) {
    for (const [name, value] of Object.entries(params)) env[`INSTANCE_${kind}_${name}`] = paramText(value);
  }

  if (input.oldInstanceName !== undefined) env.OLD_INSTANCE_NAME = input.oldInstanceName;
  if (input.reinstall) env.INSTANCE_REINSTALL = "1";
  if (input.transfer !== undefined) {
    const { direction, index } = input.transfer;
    const disk = input.disks[index];
    if (disk === undefined) throw new AlkorError("wrong_input", `Cannot ${direction} disk ${index} of instance ${instance.name}: it has ${input.disks.length} disk(s).`);
    const prefix = direction.toUpperCase();
    env[`${prefix}_INDEX`] = String(index);
    env[`${prefix}_DISK_PATH`] = disk.path;
    // The historical alias scripts written for older Ganeti read.
    env[`${prefix}_DEVICE`] = disk.path;
  }

  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new AlkorError("wrong_input", `"${name}" cannot be the name of an OS script's environment variable.`);
    if (value.includes("\0")) throw new AlkorError("wrong_input", `The value of ${name} for instance ${instance.name} contains a NUL character, which no environment can hold.`);
  }
  return env;
}

/** Booleans as Python prints them (True/False): OS scripts written for Ganeti compare against those. */
function paramText(value: ParamValue): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}
