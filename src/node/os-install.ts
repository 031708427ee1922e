import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../host/clock.js";
import type { OsCatalog } from "../host/os/os-catalog.js";
import { osEnvironment } from "../host/os/os-environment.js";
import type { OsScriptRunner } from "../host/os/os-script-runner.js";
import { osLogFileName, runOsScript } from "../host/os/os-script.js";
import type { OsDefinitionView } from "./instance-rpc-methods.js";
import type { OsRun } from "./instance-host.js";

export interface OsInstallOptions {
  catalog: OsCatalog;
  runner: OsScriptRunner;
  /** Each script's output, Ganeti's way: <dir>/add-<os>-<instance>-<time>.log. */
  logDir: string;
  nodeName: string;
  clock: Clock;
}

/** This node's OS definitions, as the master asks for them. */
export async function osDefinitions(catalog: OsCatalog): Promise<OsDefinitionView[]> {
  return (await catalog.list()).map(({ name, path, apiVersions, variants, parameters, valid, problems }) => ({ name, path, apiVersions, variants, parameters, valid, problems }));
}

/** Runs an OS script for an instance on this node; answers its log file. */
export async function runInstanceOs(options: OsInstallOptions, run: OsRun): Promise<string> {
  const { os, variant } = await options.catalog.resolve(run.os);
  const { spec } = run;
  const env = osEnvironment({
    os: { name: os.name, variant },
    osParams: run.osParams,
    instance: {
      name: spec.name,
      uuid: spec.instanceUuid,
      primaryNode: options.nodeName,
      hypervisor: "kvm",
      beparams: { maxmem: spec.maxMemoryMiB, minmem: spec.memoryMiB, vcpus: spec.vcpus },
      hvparams: spec.hvparams,
    },
    disks: spec.disks.map((disk, index) => ({
      path: run.diskPaths[index]!,
      uuid: disk.uuid,
      name: disk.name,
      access: disk.mode,
      backendType: spec.template === "plain" ? "block" : "file",
      format: disk.format,
    })),
    nics: spec.nics.map((nic) => ({ mac: nic.mac, uuid: nic.uuid, name: nic.name, ip: nic.ip, mode: nic.mode, link: nic.link })),
    debugLevel: 0,
    ...(run.oldName ? { oldInstanceName: run.oldName } : {}),
  });
  await mkdir(options.logDir, { recursive: true, mode: 0o750 });
  const logPath = join(options.logDir, osLogFileName(run.script === "create" ? "add" : run.script, os.name, spec.name, new Date(options.clock.now())));
  await runOsScript(options.runner, { os, script: run.script, instanceName: spec.name, env, logPath });
  return logPath;
}
