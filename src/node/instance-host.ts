import { join } from "node:path";
import type { Logger } from "pino";
import type { Clock } from "../host/clock.js";
import type { DiskRef, DiskStore } from "../host/disks/disk-store.js";
import type { DomainDisk, DomainSpec, Hypervisor } from "../host/hypervisor/hypervisor.js";
import { AlkorError, asAlkorError } from "../model/errors.js";
import type { RpcImplementation } from "../transport/rpc.js";
import type { DiskInventory, DiskStoreTemplate, InstanceDisks, InstanceRpcMethods, InstanceRunSpec, NodeInstanceReport, OsDefinitionView, StoreInventory } from "./instance-rpc-methods.js";

export interface OsRun {
  script: "create" | "rename" | "verify";
  spec: InstanceRunSpec;
  /** The disks' paths on this node, in order. */
  diskPaths: string[];
  os: string;
  osParams: Record<string, string>;
  oldName?: string;
}

export interface InstanceHostOptions {
  hypervisor: Hypervisor;
  /** kvm, qemu (TCG, where there is no /dev/kvm) or test (libvirt's test driver). */
  domainType: DomainSpec["domainType"];
  hypervisorUri: string;
  /** The disk store of a template in the cluster's storage location (a node's own config may override the file directory). */
  diskStore(template: DiskStoreTemplate, storage: InstanceDisks["storage"]): DiskStore;
  osDefinitions(): Promise<OsDefinitionView[]>;
  /** Runs an OS script; answers where its output was written. */
  runOs(run: OsRun): Promise<string>;
  /** Where serial console sockets go (`alkor-instance console` connects there); made when first needed. */
  consoleDir: string;
  makeDirectory(path: string): Promise<void>;
  clock: Clock;
  log: Logger;
}

const pollMs = 250;

/** Serial console socket of an instance on this node (by UUID, so a rename keeps it). */
export function consoleSocketPath(consoleDir: string, instanceUuid: string): string {
  return join(consoleDir, `${instanceUuid}.serial`);
}

/**
 * The node side of instances: what the master asks over RPC, done with this
 * node's hypervisor, disk stores and OS definitions.
 */
export class InstanceHost {
  constructor(private readonly options: InstanceHostOptions) {}

  rpcHandlers(): RpcImplementation<InstanceRpcMethods> {
    return {
      "instance.report": async ({ storage, freeSpaceOf }) => this.report(storage, freeSpaceOf),
      "instance.disks.create": async (disks) => ({ paths: await this.createDisks(disks) }),
      "instance.disks.remove": async (disks) => {
        for (const ref of this.refs(disks)) await this.store(disks).remove(ref);
        return {};
      },
      "instance.disks.grow": async ({ newSizeMiB, ...disks }) => {
        for (const ref of this.refs(disks)) await this.store(disks).grow(ref, newSizeMiB);
        return {};
      },
      "instance.disks.inventory": async ({ storage }) => this.inventory(storage),
      "instance.disks.activate": async (disks) => ({ paths: await this.activateDisks(disks) }),
      "instance.disks.deactivate": async (disks) => {
        for (const ref of this.refs(disks)) await this.store(disks).deactivate(ref);
        return {};
      },
      "instance.os.run": async ({ script, spec, os, osParams, oldName }) => {
        const diskPaths = await this.activateDisks(spec);
        const logPath = await this.options.runOs({ script, spec, diskPaths, os, osParams, ...(oldName ? { oldName } : {}) });
        return { logPath };
      },
      "instance.define": async ({ spec }) => {
        await this.define(spec);
        return {};
      },
      "instance.start": async ({ spec }) => {
        await this.start(spec);
        return {};
      },
      "instance.stop": async ({ name, timeoutS }) => ({ forced: await this.stop(name, timeoutS) }),
      "instance.reboot": async ({ spec, type, timeoutS }) => {
        await this.reboot(spec, type, timeoutS);
        return {};
      },
      "instance.setMemory": async ({ name, memoryMiB }) => {
        await this.options.hypervisor.setMemory(name, memoryMiB);
        return {};
      },
      "instance.undefine": async ({ name }) => {
        await this.undefine(name);
        return {};
      },
      "os.list": async () => ({ definitions: await this.options.osDefinitions() }),
    };
  }

  async report(storage: InstanceDisks["storage"], freeSpaceOf: readonly DiskStoreTemplate[]): Promise<NodeInstanceReport> {
    const { hypervisor } = this.options;
    const [domains, info, file, plain] = await Promise.all([
      hypervisor.domains(),
      hypervisor.nodeInfo(),
      freeSpaceOf.includes("file") ? this.freeOrNull("file", storage) : null,
      freeSpaceOf.includes("plain") ? this.freeOrNull("plain", storage) : null,
    ]);
    return {
      domains,
      memoryMiB: Math.floor(info.memoryMiB),
      freeMemoryMiB: Math.max(0, Math.floor(info.freeMemoryMiB)),
      cpus: info.cpus,
      storage: { file, plain },
      hypervisorUri: this.options.hypervisorUri,
    };
  }

  private async inventory(storage: InstanceDisks["storage"]): Promise<DiskInventory> {
    const [file, plain] = await Promise.all([this.storeInventory("file", storage), this.storeInventory("plain", storage)]);
    return { file, plain };
  }

  private async storeInventory(template: DiskStoreTemplate, storage: InstanceDisks["storage"]): Promise<StoreInventory> {
    try {
      return { disks: await this.options.diskStore(template, storage).inventory() };
    } catch (error) {
      return { error: asAlkorError(error).message };
    }
  }

  private async freeOrNull(template: DiskStoreTemplate, storage: InstanceDisks["storage"]): Promise<number | null> {
    try {
      return Math.floor(await this.options.diskStore(template, storage).freeMiB());
    } catch (error) {
      // No volume group (or file directory) here: this node cannot hold that template.
      this.options.log.debug({ template, err: error }, "A disk store reported no free space.");
      return null;
    }
  }

  private store(disks: InstanceDisks): DiskStore {
    if (disks.template === "diskless") throw new AlkorError("wrong_input", "A diskless instance has no disks.");
    return this.options.diskStore(disks.template, disks.storage);
  }

  private refs(disks: InstanceDisks): DiskRef[] {
    return disks.disks.map((disk) => ({ instanceUuid: disks.instanceUuid, diskUuid: disk.uuid, index: disk.index, format: disk.format }));
  }

  /** All or nothing: a failure removes the disks this call made. */
  private async createDisks(disks: InstanceDisks): Promise<string[]> {
    if (disks.disks.length === 0) return [];
    const store = this.store(disks);
    const made: DiskRef[] = [];
    try {
      const paths: string[] = [];
      for (const [index, ref] of this.refs(disks).entries()) {
        paths.push(await store.create(ref, disks.disks[index]!.sizeMiB));
        made.push(ref);
      }
      return paths;
    } catch (error) {
      for (const ref of made.reverse()) {
        await store.remove(ref).catch((undoError: unknown) => this.options.log.warn({ err: undoError, disk: ref }, "A disk made before a failure could not be removed."));
      }
      throw error;
    }
  }

  private async activateDisks(disks: InstanceDisks): Promise<string[]> {
    if (disks.disks.length === 0) return [];
    const store = this.store(disks);
    const paths: string[] = [];
    for (const ref of this.refs(disks)) paths.push(await store.activate(ref));
    return paths;
  }

  private async domainSpec(spec: InstanceRunSpec): Promise<DomainSpec> {
    const paths = await this.activateDisks(spec);
    const hv = spec.hvparams;
    // qemu binds the console's socket, but not in a directory that is not there.
    if (hv.serial_console) await this.options.makeDirectory(this.options.consoleDir);
    const disks: DomainDisk[] = spec.disks.map((disk, index) => ({
      path: paths[index]!,
      kind: spec.template === "plain" ? "block" : "file",
      format: disk.format,
      readOnly: disk.mode === "ro",
    }));
    return {
      name: spec.name,
      uuid: spec.instanceUuid,
      domainType: this.options.domainType,
      memoryMiB: spec.memoryMiB,
      maxMemoryMiB: spec.maxMemoryMiB,
      vcpus: spec.vcpus,
      kernelPath: hv.kernel_path === "" ? null : hv.kernel_path,
      initrdPath: hv.initrd_path === "" ? null : hv.initrd_path,
      kernelArgs: hv.kernel_args === "" ? null : hv.kernel_args,
      rootPath: hv.root_path === "" ? null : hv.root_path,
      bootOrder: hv.boot_order,
      serialConsolePath: hv.serial_console ? consoleSocketPath(this.options.consoleDir, spec.instanceUuid) : null,
      vnc: hv.vnc_bind_address === "" ? null : { address: hv.vnc_bind_address, port: spec.networkPort },
      disks,
      nics: spec.nics.map((nic) => ({ mac: nic.mac, mode: nic.mode, link: nic.link })),
    };
  }

  private async define(spec: InstanceRunSpec): Promise<void> {
    await this.options.hypervisor.define(await this.domainSpec(spec));
  }

  private async start(spec: InstanceRunSpec): Promise<void> {
    const { hypervisor } = this.options;
    const current = await hypervisor.domain(spec.name);
    if (current?.state === "running") return;
    await hypervisor.define(await this.domainSpec(spec));
    await hypervisor.start(spec.name);
  }

  /** A clean shutdown first; the plug is pulled after timeoutS. Answers whether it had to be. */
  private async stop(name: string, timeoutS: number): Promise<boolean> {
    const { hypervisor, clock } = this.options;
    const current = await hypervisor.domain(name);
    if (current === null || current.state === "shutoff" || current.state === "crashed") return false;
    if (timeoutS > 0) {
      await hypervisor.requestShutdown(name);
      const deadline = clock.monotonic() + timeoutS * 1000;
      while (clock.monotonic() < deadline) {
        const state = (await hypervisor.domain(name))?.state;
        if (state === undefined || state === "shutoff" || state === "crashed") return false;
        await new Promise<void>((resolve) => clock.after(pollMs, resolve));
      }
    }
    await hypervisor.destroy(name);
    return true;
  }

  private async reboot(spec: InstanceRunSpec, type: "soft" | "hard" | "full", timeoutS: number): Promise<void> {
    const { hypervisor } = this.options;
    if (type === "soft") {
      await hypervisor.reboot(spec.name);
      return;
    }
    if (type === "hard") await hypervisor.destroy(spec.name);
    else {
      await this.stop(spec.name, timeoutS);
      for (const ref of spec.template === "diskless" ? [] : this.refs(spec)) await this.store(spec).deactivate(ref);
    }
    await this.start(spec);
  }

  private async undefine(name: string): Promise<void> {
    const { hypervisor } = this.options;
    const current = await hypervisor.domain(name);
    if (current === null) return;
    if (current.state !== "shutoff") await hypervisor.destroy(name);
    await hypervisor.undefine(name);
  }
}
