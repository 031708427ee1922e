import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import test, { type ExecutionContext } from "ava";
import { findPackageRoot } from "../../../src/agent/package-root.js";
import { defaultInstanceDefaults, type HvParams } from "../../../src/cluster/state/instance-schema.js";
import { systemClock } from "../../../src/host/clock.js";
import { FileDiskStore } from "../../../src/host/disks/file-store.js";
import { PlainDiskStore } from "../../../src/host/disks/plain-store.js";
import { processExec } from "../../../src/host/exec.js";
import { LibvirtHypervisor } from "../../../src/host/hypervisor/libvirt.js";
import { OsCatalog } from "../../../src/host/os/os-catalog.js";
import { nodeOsFiles } from "../../../src/host/os/os-files.js";
import { SpawnOsScriptRunner } from "../../../src/host/os/os-script-runner.js";
import { Lvm } from "../../../src/host/storage/lvm.js";
import { consoleSocketPath, InstanceHost } from "../../../src/node/instance-host.js";
import type { InstanceDiskSpec, InstanceRpcMethods, InstanceRunSpec } from "../../../src/node/instance-rpc-methods.js";
import { osDefinitions, runInstanceOs } from "../../../src/node/os-install.js";
import type { RpcImplementation } from "../../../src/transport/rpc.js";
import { memoryLogger } from "../../helpers/log.js";
import { diskUuid as recordedDiskUuid, lvsDisk0, vgsMissingAlkorStderr, vgsWithTwoDisks } from "../host/disks/recorded-plain.js";
import { testDriverUri } from "../host/hypervisor/domain-specs.js";
import { FakeExec, type Answer } from "../host/net/fake-exec.js";

// InstanceHost's RPC handlers on the real pieces, in-process: libvirt's test
// driver (shared by every connection of this process, holding its own running
// domain "test", which these tests leave alone), file disks made by qemu-img
// in a temporary directory, and the repository's os/alkor-image run by sh.
// Plain disks replay recorded LVM output: this machine has no device-mapper.

const MiB = 1024 * 1024;
const osDir = join(findPackageRoot(import.meta.url).root, "os");
const caller = { node: "node1" };

interface Node {
  rpc: RpcImplementation<InstanceRpcMethods>;
  hypervisor: LibvirtHypervisor;
  storage: { fileStorageDir: string; volumeGroup: string };
  consoleDir: string;
  logDir: string;
  dir: string;
  /** What the plain store's LVM was asked. */
  lvm: FakeExec;
  events: Array<Record<string, unknown>>;
}

/** LVM answering as the recorded tools did: the volume group and each volume named in `volumes` (by lv name). */
function recordedLvm(vgs: Answer, volumes: Record<string, string> = {}): FakeExec {
  return new FakeExec((argv) => {
    if (argv[0] === "vgs") return vgs;
    if (argv[0] === "lvs" && !argv.at(-1)?.includes("/")) {
      // The group's listing: lvs fails as vgs does on a node without the group.
      if ("fails" in vgs) return vgs;
      throw new Error("no recorded lvs listing of a whole volume group");
    }
    if (argv[0] === "lvs") {
      const stdout = volumes[argv.at(-1)?.split("/")[1] ?? ""];
      return stdout === undefined ? { fails: `  Failed to find logical volume "${argv.at(-1)}"` } : { stdout };
    }
    return { stdout: "" };
  });
}

/**
 * A node as the agent wires it (src/agent/instance-ports.ts), in a temporary
 * directory. Every domain named through `names` is undefined when the test ends.
 */
async function node(t: ExecutionContext, options: { lvm?: FakeExec } = {}): Promise<Node & { names: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-instance-host-"));
  const hypervisor = new LibvirtHypervisor({ uri: testDriverUri });
  const lvm = options.lvm ?? recordedLvm({ fails: vgsMissingAlkorStderr });
  const { log, events } = memoryLogger();
  const catalog = new OsCatalog([osDir], nodeOsFiles);
  const runner = new SpawnOsScriptRunner();
  const logDir = join(dir, "os-log");
  const consoleDir = join(dir, "run", "console");
  const host = new InstanceHost({
    hypervisor,
    domainType: "test",
    hypervisorUri: testDriverUri,
    diskStore: (template, storage) => (template === "file" ? new FileDiskStore(storage.fileStorageDir, processExec) : new PlainDiskStore(new Lvm(lvm), storage.volumeGroup)),
    osDefinitions: () => osDefinitions(catalog),
    runOs: (run) => runInstanceOs({ catalog, runner, logDir, nodeName: "node1", clock: systemClock }, run),
    consoleDir,
    makeDirectory: async (path) => {
      await mkdir(path, { recursive: true });
    },
    clock: systemClock,
    log,
  });
  const names: string[] = [];
  const rpc = host.rpcHandlers();
  t.teardown(async () => {
    for (const name of names) await rpc["instance.undefine"]({ name }, caller);
    await hypervisor.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { rpc, hypervisor, storage: { fileStorageDir: join(dir, "file-storage"), volumeGroup: "alkor" }, consoleDir, logDir, dir, lvm, events, names };
}

function disk(index: number, sizeMiB: number, format: "raw" | "qcow2" = "raw", uuid: string = randomUUID()): InstanceDiskSpec {
  return { uuid, index, sizeMiB, format, mode: "rw", name: null };
}

/** A filled-in run spec as the master sends it: file template, no disks, no NICs, no serial console unless asked. */
function runSpec(n: Node & { names: string[] }, name: string, overrides: Partial<Omit<InstanceRunSpec, "hvparams">> & { hvparams?: Partial<HvParams> } = {}): InstanceRunSpec {
  n.names.push(name);
  const { hvparams, ...rest } = overrides;
  return {
    instanceUuid: randomUUID(),
    template: "file",
    storage: n.storage,
    disks: [],
    name,
    memoryMiB: 128,
    maxMemoryMiB: 256,
    vcpus: 1,
    hvparams: { ...defaultInstanceDefaults.hvparams, serial_console: false, ...hvparams },
    networkPort: 11_000,
    nics: [{ uuid: randomUUID(), mac: "aa:00:00:10:20:30", ip: null, mode: "bridged", link: "br0", name: null }],
    ...rest,
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The guest-visible bytes of a disk image, whatever its format. */
async function guestBytes(dir: string, path: string, format: "raw" | "qcow2"): Promise<Buffer> {
  const out = join(dir, `read-${randomUUID()}.raw`);
  await processExec.run(["qemu-img", "convert", "-f", format, "-O", "raw", path, out]);
  return readFile(out);
}

// Serial: ava runs it before the concurrent tests, so no other domain of this file holds memory meanwhile.
test.serial("instance.report gives the domains, the node's memory and CPUs, free file space, and null for plain without a volume group", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-report1", { memoryMiB: 300, maxMemoryMiB: 512 });
  await n.rpc["instance.start"]({ spec }, caller);
  const before = await statfs(n.dir);
  const report = await n.rpc["instance.report"]({ storage: n.storage, freeSpaceOf: ["file", "plain"] }, caller);
  const after = await statfs(n.dir);
  // The test driver's node: 3 GiB and 16 CPUs; its own "test" holds 2 GiB and ours 300 MiB.
  t.like(report, { memoryMiB: 3072, freeMemoryMiB: 724, cpus: 16, hypervisorUri: testDriverUri });
  const byName = new Map(report.domains.map((domain) => [domain.name, domain]));
  t.like(byName.get("ih-report1"), { uuid: spec.instanceUuid, state: "running", memoryMiB: 300, maxMemoryMiB: 512 });
  t.like(byName.get("test"), { state: "running" });
  // The storage directory is not made yet: its file system is the temporary directory's (others may write there meanwhile).
  const freeMiB = [before, after].map((fs) => Math.floor((fs.bavail * fs.bsize) / MiB));
  t.true(report.storage.file !== null && report.storage.file >= Math.min(...freeMiB) - 64 && report.storage.file <= Math.max(...freeMiB) + 64, `file: ${report.storage.file}, statfs: ${freeMiB.join(", ")}`);
  t.is(report.storage.plain, null);
  t.true(n.events.some((event) => event.msg === "A disk store reported no free space." && event.template === "plain"));
  t.deepEqual(n.lvm.commands, ["vgs --reportformat json --units b --nosuffix -o vg_name,vg_size,vg_free,vg_tags,pv_count,lv_count alkor"]);
});

test("instance.report gives the volume group's free MiB when there is one", async (t) => {
  const n = await node(t, { lvm: recordedLvm({ stdout: vgsWithTwoDisks }) });
  const report = await n.rpc["instance.report"]({ storage: n.storage, freeSpaceOf: ["file", "plain"] }, caller);
  t.is(report.storage.plain, 80);
  t.is(typeof report.storage.file, "number");
});

test("instance.report measures only the free space asked for: a listing runs no vgs", async (t) => {
  const n = await node(t, { lvm: recordedLvm({ stdout: vgsWithTwoDisks }) });
  const listing = await n.rpc["instance.report"]({ storage: n.storage, freeSpaceOf: [] }, caller);
  t.deepEqual(listing.storage, { file: null, plain: null });
  t.deepEqual(n.lvm.commands, []);
  const forPlain = await n.rpc["instance.report"]({ storage: n.storage, freeSpaceOf: ["plain"] }, caller);
  t.deepEqual(forPlain.storage, { file: null, plain: 80 });
  t.is(n.lvm.commands.length, 1);
});

test("instance.disks.create makes every disk with its size and format and answers their paths", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-disks1", { disks: [disk(0, 8, "raw"), disk(1, 16, "qcow2")] });
  const { paths } = await n.rpc["instance.disks.create"](spec, caller);
  t.deepEqual(paths, [
    join(n.storage.fileStorageDir, spec.instanceUuid, `disk0-${spec.disks[0]!.uuid}.raw`),
    join(n.storage.fileStorageDir, spec.instanceUuid, `disk1-${spec.disks[1]!.uuid}.qcow2`),
  ]);
  for (const [index, expected] of [[0, { format: "raw", size: 8 }], [1, { format: "qcow2", size: 16 }]] as const) {
    const { stdout } = await processExec.run(["qemu-img", "info", "--output=json", paths[index]!]);
    const info = JSON.parse(stdout) as { format: string; "virtual-size": number };
    t.deepEqual({ format: info.format, size: info["virtual-size"] / MiB }, expected);
  }
  t.deepEqual((await n.rpc["instance.disks.activate"](spec, caller)).paths, paths);
  await n.rpc["instance.disks.remove"](spec, caller);
  t.false(await exists(dirname(paths[0]!)), "the instance's directory goes with its last disk");
});

test("instance.disks.create is all or nothing: when the second disk does not fit, the first is removed", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-disks2", { disks: [disk(0, 4), disk(1, 64 * 1024 * 1024)] });
  await t.throwsAsync(n.rpc["instance.disks.create"](spec, caller), { code: "insufficient_resources", message: /Disk 1 of instance .* needs 67108864 MiB/ });
  t.false(await exists(join(n.storage.fileStorageDir, spec.instanceUuid)), "nothing of the instance is left");
});

test("instance.disks.create is all or nothing: a second disk already there stays, the first made is removed", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-disks3", { disks: [disk(0, 4), disk(1, 4)] });
  const store = new FileDiskStore(n.storage.fileStorageDir, processExec);
  const theirs = await store.create({ instanceUuid: spec.instanceUuid, diskUuid: spec.disks[1]!.uuid, index: 1, format: "raw" }, 4);
  await t.throwsAsync(n.rpc["instance.disks.create"](spec, caller), { code: "already_exists", message: /Disk 1 of instance/ });
  t.false(await exists(join(n.storage.fileStorageDir, spec.instanceUuid, `disk0-${spec.disks[0]!.uuid}.raw`)));
  t.true(await exists(theirs), "a disk this call did not make is not its to remove");
});

test("instance.os.run create with alkor-image+blank checks the disks and leaves them as they are", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-blank1", { disks: [disk(0, 4), disk(1, 4, "qcow2")] });
  const { paths } = await n.rpc["instance.disks.create"](spec, caller);
  const { logPath } = await n.rpc["instance.os.run"]({ script: "create", spec, os: "alkor-image+blank", osParams: {} }, caller);
  t.is(dirname(logPath), n.logDir);
  t.regex(logPath, /\/add-alkor-image-ih-blank1-/);
  t.regex(await readFile(logPath, "utf8"), /alkor-image create: variant blank, 2 disk\(s\) of instance ih-blank1 left as they are/);
  // Buffer.equals: ava's deep comparison of megabytes takes seconds.
  t.true((await guestBytes(n.dir, paths[0]!, "raw")).equals(Buffer.alloc(4 * MiB)), "disk 0 is still all zeros");
});

test("instance.os.run create with alkor-image+image writes the image onto disk 0", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-image1", { disks: [disk(0, 4, "qcow2")] });
  const { paths } = await n.rpc["instance.disks.create"](spec, caller);
  const image = Buffer.alloc(MiB, 0xa5);
  for (let offset = 0; offset < image.length; offset += 4096) image.write(`block ${offset / 4096} `, offset);
  const imagePath = join(n.dir, "guest.raw");
  await writeFile(imagePath, image);
  const { logPath } = await n.rpc["instance.os.run"]({ script: "create", spec, os: "alkor-image+image", osParams: { image: imagePath } }, caller);
  t.regex(await readFile(logPath, "utf8"), /alkor-image create: done/);
  const written = await guestBytes(n.dir, paths[0]!, "qcow2");
  t.is(written.length, 4 * MiB);
  t.true(written.subarray(0, MiB).equals(image), "the image's bytes are the disk's first MiB");
  t.true(written.subarray(MiB).equals(Buffer.alloc(3 * MiB)), "the rest of the disk stays zero");
});

test("instance.os.run of a failing script says so, naming the instance and the log", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-image2", { disks: [disk(0, 4)] });
  await n.rpc["instance.disks.create"](spec, caller);
  await t.throwsAsync(n.rpc["instance.os.run"]({ script: "create", spec, os: "alkor-image+image", osParams: {} }, caller), {
    code: "environment_error",
    message: /OS create script for instance ih-image2 failed .*variant image needs the OS parameter image/s,
  });
});

test("instance.define defines the domain shut off with the memory and VCPUs asked; instance.start runs it", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-life1", { memoryMiB: 192, maxMemoryMiB: 384, vcpus: 2, disks: [disk(0, 4)] });
  await n.rpc["instance.disks.create"](spec, caller);
  await n.rpc["instance.define"]({ spec }, caller);
  t.like(await n.hypervisor.domain("ih-life1"), { uuid: spec.instanceUuid, state: "shutoff", memoryMiB: 192, maxMemoryMiB: 384, vcpus: 2 });
  await n.rpc["instance.start"]({ spec }, caller);
  t.like(await n.hypervisor.domain("ih-life1"), { state: "running", memoryMiB: 192, maxMemoryMiB: 384, vcpus: 2 });
  // Starting a running instance is no change: it is not redefined under the guest.
  await n.rpc["instance.start"]({ spec: { ...spec, vcpus: 4 } }, caller);
  t.like(await n.hypervisor.domain("ih-life1"), { state: "running", vcpus: 2 });
});

test("instance.start refuses an instance whose disk is missing on the node, starting nothing", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-life2", { disks: [disk(0, 4)] });
  await t.throwsAsync(n.rpc["instance.start"]({ spec }, caller), { code: "environment_error", message: /Disk 0 of instance .* is missing on this node/ });
  t.is(await n.hypervisor.domain("ih-life2"), null);
});

test("instance.stop with timeout 0 pulls the plug at once (forced); with a timeout it asks the guest, which the test driver shuts down at once (not forced)", async (t) => {
  const n = await node(t);
  for (const [name, timeoutS, forced] of [["ih-stop1", 0, true], ["ih-stop2", 30, false]] as const) {
    await n.rpc["instance.start"]({ spec: runSpec(n, name) }, caller);
    t.deepEqual(await n.rpc["instance.stop"]({ name, timeoutS }, caller), { forced }, name);
    t.like(await n.hypervisor.domain(name), { state: "shutoff" }, name);
  }
});

test("instance.stop of a shut-off or missing domain has nothing to do", async (t) => {
  const n = await node(t);
  await n.rpc["instance.define"]({ spec: runSpec(n, "ih-stop3") }, caller);
  t.deepEqual(await n.rpc["instance.stop"]({ name: "ih-stop3", timeoutS: 0 }, caller), { forced: false });
  t.deepEqual(await n.rpc["instance.stop"]({ name: "ih-nowhere", timeoutS: 0 }, caller), { forced: false });
});

test("instance.reboot soft asks the guest and keeps the running definition", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-reboot1", { vcpus: 1 });
  await n.rpc["instance.start"]({ spec }, caller);
  await n.rpc["instance.reboot"]({ spec: { ...spec, vcpus: 3 }, type: "soft", timeoutS: 0 }, caller);
  t.like(await n.hypervisor.domain("ih-reboot1"), { state: "running", vcpus: 1 });
});

test("instance.reboot hard destroys and starts the domain from the spec given", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-reboot2", { vcpus: 1, memoryMiB: 128 });
  await n.rpc["instance.start"]({ spec }, caller);
  await n.rpc["instance.reboot"]({ spec: { ...spec, vcpus: 3, memoryMiB: 200 }, type: "hard", timeoutS: 0 }, caller);
  t.like(await n.hypervisor.domain("ih-reboot2"), { state: "running", vcpus: 3, memoryMiB: 200 });
});

test("instance.reboot full stops the domain, deactivates and activates its disks, and starts it from the spec", async (t) => {
  const volume = `${recordedDiskUuid}.disk0`;
  const n = await node(t, { lvm: recordedLvm({ stdout: vgsWithTwoDisks }, { [volume]: lvsDisk0 }) });
  const spec = runSpec(n, "ih-reboot3", { template: "plain", disks: [disk(0, 32, "raw", recordedDiskUuid)], vcpus: 1 });
  await n.rpc["instance.start"]({ spec }, caller);
  const before = n.lvm.commands.length;
  await n.rpc["instance.reboot"]({ spec: { ...spec, vcpus: 2 }, type: "full", timeoutS: 30 }, caller);
  t.like(await n.hypervisor.domain("ih-reboot3"), { state: "running", vcpus: 2 });
  t.deepEqual(
    n.lvm.commands.slice(before).filter((command) => command.startsWith("lvchange")),
    [`lvchange -an alkor/${volume}`, `lvchange -ay alkor/${volume}`],
  );
});

test("instance.setMemory changes the running domain's memory", async (t) => {
  const n = await node(t);
  await n.rpc["instance.start"]({ spec: runSpec(n, "ih-mem1", { memoryMiB: 128, maxMemoryMiB: 512 }) }, caller);
  await n.rpc["instance.setMemory"]({ name: "ih-mem1", memoryMiB: 400 }, caller);
  t.like(await n.hypervisor.domain("ih-mem1"), { memoryMiB: 400, maxMemoryMiB: 512 });
});

test("instance.undefine destroys a running domain and removes it; a missing one is fine", async (t) => {
  const n = await node(t);
  await n.rpc["instance.start"]({ spec: runSpec(n, "ih-undef1") }, caller);
  await n.rpc["instance.undefine"]({ name: "ih-undef1" }, caller);
  t.is(await n.hypervisor.domain("ih-undef1"), null);
  await t.notThrowsAsync(n.rpc["instance.undefine"]({ name: "ih-undef1" }, caller));
});

test("the console directory is made when the serial console is on, and not otherwise", async (t) => {
  const n = await node(t);
  await n.rpc["instance.define"]({ spec: runSpec(n, "ih-console1") }, caller);
  t.false(await exists(n.consoleDir));
  const spec = runSpec(n, "ih-console2", { hvparams: { serial_console: true } });
  await n.rpc["instance.start"]({ spec }, caller);
  t.true((await stat(n.consoleDir)).isDirectory());
  t.is(consoleSocketPath(n.consoleDir, spec.instanceUuid), join(n.consoleDir, `${spec.instanceUuid}.serial`));
  t.like(await n.hypervisor.domain("ih-console2"), { state: "running" });
});

test("os.list gives the node's OS definitions: alkor-image with its variants and parameter", async (t) => {
  const n = await node(t);
  const { definitions } = await n.rpc["os.list"]({}, caller);
  const image = definitions.find((definition) => definition.name === "alkor-image");
  t.like(image, { path: join(osDir, "alkor-image"), apiVersions: [20], variants: ["blank", "image"], valid: true, problems: [] });
  t.deepEqual(
    image?.parameters.map((parameter) => parameter.name),
    ["image"],
  );
});

test("instance.disks.inventory lists each store's disks; a store that cannot be listed gives its error", async (t) => {
  const n = await node(t);
  const spec = runSpec(n, "ih-inventory1", { disks: [disk(0, 4), disk(1, 4, "qcow2")] });
  const { paths } = await n.rpc["instance.disks.create"](spec, caller);
  const inventory = await n.rpc["instance.disks.inventory"]({ storage: n.storage }, caller);
  t.deepEqual(
    "disks" in inventory.file ? inventory.file.disks.sort((a, b) => a.index - b.index) : inventory.file,
    spec.disks.map((made, index) => ({ diskUuid: made.uuid, index, location: paths[index] })),
  );
  t.deepEqual(inventory.plain, { disks: [] }, "lvs of a volume group this node does not have lists no volumes");
  const broken = await node(t, { lvm: new FakeExec(() => ({ fails: "  /dev/mapper/control: open failed: Permission denied" })) });
  const unreadable = await broken.rpc["instance.disks.inventory"]({ storage: broken.storage }, caller);
  t.deepEqual(unreadable.file, { disks: [] });
  t.regex("error" in unreadable.plain ? unreadable.plain.error : "", /Permission denied/);
});
