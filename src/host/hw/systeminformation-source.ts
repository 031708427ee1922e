import type { Systeminformation } from "systeminformation";
import { AlkorError } from "../../model/errors.js";

/**
 * The systeminformation calls the inventory needs, as a port: the agent
 * uses the real package, tests and fixed-data machines replay a recording.
 */
export interface SystemInfoSource {
  system(): Promise<Systeminformation.SystemData>;
  bios(): Promise<Systeminformation.BiosData>;
  cpu(): Promise<Systeminformation.CpuData>;
  mem(): Promise<Systeminformation.MemData>;
  diskLayout(): Promise<Systeminformation.DiskLayoutData[]>;
  /** Needed beside diskLayout(): it lists disks without a model (virtio, the boot disk) and the partitions' mounts. */
  blockDevices(): Promise<Systeminformation.BlockDevicesData[]>;
  networkInterfaces(): Promise<Systeminformation.NetworkInterfacesData[]>;
}

export type SystemInfoSection = keyof SystemInfoSource;

/**
 * Raw results of each call, as JSON; a section may be missing from a
 * hand-written recording. `failed` keeps why a call failed while recording,
 * so that replaying it fails with the same reason rather than a vague one.
 */
export type SystemInfoRecording = {
  [S in SystemInfoSection]?: Awaited<ReturnType<SystemInfoSource[S]>>;
} & { failed?: Partial<Record<SystemInfoSection, string>> };

export const systemInfoSections: readonly SystemInfoSection[] = [
  "system",
  "bios",
  "cpu",
  "mem",
  "diskLayout",
  "blockDevices",
  "networkInterfaces",
];

/** A source whose calls wait for another source, made once on first use. */
export function lazySystemInfo(make: () => Promise<SystemInfoSource>): SystemInfoSource {
  let made: Promise<SystemInfoSource> | undefined;
  const source = (): Promise<SystemInfoSource> => (made ??= make());
  const calls = systemInfoSections.map((section) => [section, async () => (await source())[section]()]);
  return Object.fromEntries(calls) as SystemInfoSource;
}

/** The package itself, loaded on first use: the agent should not pay for it before it joins the mesh. */
export const liveSystemInfo: SystemInfoSource = lazySystemInfo(async () => (await import("systeminformation")).default);

/** Replays a recording; each call returns a fresh copy so callers cannot alter the recording. */
export function recordedSystemInfo(recording: SystemInfoRecording): SystemInfoSource {
  function replay<S extends SystemInfoSection>(section: S): () => Promise<NonNullable<SystemInfoRecording[S]>> {
    return async () => {
      const value = recording[section];
      const failure = recording.failed?.[section];
      if (failure !== undefined) throw new AlkorError("environment_error", failure, { section });
      if (value === undefined) {
        throw new AlkorError("environment_error", `The systeminformation recording has no ${section} section.`, { section });
      }
      return structuredClone(value);
    };
  }
  return {
    system: replay("system"),
    bios: replay("bios"),
    cpu: replay("cpu"),
    mem: replay("mem"),
    diskLayout: replay("diskLayout"),
    blockDevices: replay("blockDevices"),
    networkInterfaces: replay("networkInterfaces"),
  };
}

/** Calls every section of a source; a failing call leaves its section out and its reason under `failed`. */
export async function recordSystemInfo(source: SystemInfoSource): Promise<SystemInfoRecording> {
  const recording: Record<string, unknown> = {};
  const failed: Partial<Record<SystemInfoSection, string>> = {};
  const results = await Promise.allSettled(systemInfoSections.map((section) => source[section]()));
  results.forEach((result, index) => {
    const section = systemInfoSections[index]!;
    if (result.status === "fulfilled") recording[section] = result.value;
    else failed[section] = result.reason instanceof Error ? result.reason.message : String(result.reason);
  });
  if (Object.keys(failed).length > 0) recording["failed"] = failed;
  return recording as SystemInfoRecording;
}
