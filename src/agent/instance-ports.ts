import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { systemClock } from "../host/clock.js";
import { FileDiskStore } from "../host/disks/file-store.js";
import { PlainDiskStore } from "../host/disks/plain-store.js";
import { processExec } from "../host/exec.js";
import type { DomainSpec } from "../host/hypervisor/hypervisor.js";
import { LibvirtHypervisor } from "../host/hypervisor/libvirt.js";
import { parseMeminfo } from "../host/node-stats.js";
import { OsCatalog } from "../host/os/os-catalog.js";
import { nodeOsFiles } from "../host/os/os-files.js";
import { SpawnOsScriptRunner } from "../host/os/os-script-runner.js";
import { Lvm } from "../host/storage/lvm.js";
import type { AgentWorld } from "./agent.js";
import type { AgentConfig } from "./config.js";
import { osDefinitions, runInstanceOs } from "../node/os-install.js";

/** auto: libvirt's test driver takes "test"; a host with /dev/kvm runs KVM, one without emulates (TCG). */
export function domainTypeFor(config: AgentConfig["instances"], kvmAvailable: boolean): DomainSpec["domainType"] {
  if (config.domainType !== "auto") return config.domainType;
  if (config.hypervisorUri.startsWith("test:")) return "test";
  return kvmAvailable ? "kvm" : "qemu";
}

/** The real hypervisor, disk stores and OS definitions of this node, as alkord's main gives them to the agent. */
export function instancePorts(config: AgentConfig, packageRoot: string, log: Logger): NonNullable<AgentWorld["instances"]> {
  const settings = config.instances;
  const hypervisor = new LibvirtHypervisor({
    uri: settings.hypervisorUri,
    freeMemoryMiB: async () => Math.floor(parseMeminfo(await readFile("/proc/meminfo", "utf8")).availableBytes / (1024 * 1024)),
  });
  const catalog = new OsCatalog([...settings.osSearchPath, join(packageRoot, "os")], nodeOsFiles);
  const runner = new SpawnOsScriptRunner();
  const lvm = new Lvm(processExec);
  log.info({ uri: settings.hypervisorUri }, `Instances run through libvirt at ${settings.hypervisorUri}.`);
  return {
    hypervisor,
    hypervisorUri: settings.hypervisorUri,
    domainType: domainTypeFor(settings, existsSync("/dev/kvm")),
    diskStore: (template, storage) =>
      template === "file" ? new FileDiskStore(settings.fileStorageDir ?? storage.fileStorageDir, processExec) : new PlainDiskStore(lvm, storage.volumeGroup),
    osDefinitions: () => osDefinitions(catalog),
    runOs: (run) => runInstanceOs({ catalog, runner, logDir: settings.osLogDir, nodeName: config.nodeName ?? hostname(), clock: systemClock }, run),
  };
}
