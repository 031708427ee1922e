import test, { type ExecutionContext } from "ava";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { findPackageRoot } from "../../../../src/agent/package-root.js";
import type { DiskRef } from "../../../../src/host/disks/disk-store.js";
import { FileDiskStore } from "../../../../src/host/disks/file-store.js";
import { processExec } from "../../../../src/host/exec.js";
import type { OsScriptName } from "../../../../src/host/os/os-definition.js";
import { OsCatalog } from "../../../../src/host/os/os-catalog.js";
import { osEnvironment } from "../../../../src/host/os/os-environment.js";
import { nodeOsFiles } from "../../../../src/host/os/os-files.js";
import { runOsScript } from "../../../../src/host/os/os-script.js";
import { SpawnOsScriptRunner } from "../../../../src/host/os/os-script-runner.js";

// The OS definition shipped in os/alkor-image, really run: sh, qemu-img and dd
// on disk files made by the file store in a temporary directory.

const catalog = new OsCatalog([join(findPackageRoot(import.meta.url).root, "os")], nodeOsFiles);
const runner = new SpawnOsScriptRunner();
const instanceUuid = "0b1f3c5e-8a2d-4c6f-9e1b-3d5f7a9c2e4b";
const MiB = 1024 * 1024;

interface Node {
  dir: string;
  store: FileDiskStore;
  logPath: string;
}

async function node(t: ExecutionContext): Promise<Node> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-image-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { dir, store: new FileDiskStore(join(dir, "file-storage"), processExec), logPath: join(dir, "log", "os.log") };
}

function disk(index: number, format: "raw" | "qcow2"): DiskRef {
  return { instanceUuid, diskUuid: `5a7c9e1b-2d4f-4a6c-8e0b-1c3e5f7a9b2${index}`, index, format };
}

/** A raw file with a known pattern: the index of each 1 KiB block, then 0xa5 bytes. */
function pattern(bytes: number): Buffer {
  const data = Buffer.alloc(bytes, 0xa5);
  for (let offset = 0; offset < bytes; offset += 1024) data.write(`block ${offset / 1024} `, offset);
  return data;
}

async function run(
  n: Node,
  osName: string,
  script: OsScriptName,
  disks: Array<{ ref: DiskRef; path: string }>,
  extra: { osParams?: Record<string, string>; stdin?: Readable; stdout?: PassThrough; transfer?: { direction: "import" | "export"; index: number } } = {},
) {
  const { os, variant } = await catalog.resolve(osName);
  const env = osEnvironment({
    os: { name: os.name, variant },
    osParams: extra.osParams ?? {},
    instance: { name: "web1", uuid: instanceUuid, primaryNode: "node1", hypervisor: "kvm", beparams: {}, hvparams: {} },
    disks: disks.map(({ ref, path }) => ({ path, uuid: ref.diskUuid, name: null, access: "rw", backendType: "file", format: ref.format })),
    nics: [],
    debugLevel: 0,
    ...(extra.transfer ? { transfer: extra.transfer } : {}),
  });
  return runOsScript(runner, {
    os,
    script,
    instanceName: "web1",
    env,
    logPath: n.logPath,
    ...(extra.stdin ? { stdin: extra.stdin } : {}),
    ...(extra.stdout ? { stdout: extra.stdout } : {}),
  });
}

/** The guest-visible bytes of a disk, whatever its format. */
async function guestBytes(n: Node, path: string, format: "raw" | "qcow2"): Promise<Buffer> {
  const out = join(n.dir, `read-${Date.now()}-${Math.random()}.raw`);
  await processExec.run(["qemu-img", "convert", "-f", format, "-O", "raw", path, out]);
  return readFile(out);
}

test("variant image writes a raw image onto a raw disk, byte for byte", async (t) => {
  const n = await node(t);
  const image = join(n.dir, "image.raw");
  const content = pattern(3 * MiB);
  await writeFile(image, content);
  const ref = disk(0, "raw");
  const path = await n.store.create(ref, 8);
  const { lastLines } = await run(n, "alkor-image+image", "create", [{ ref, path }], { osParams: { image } });
  t.true(lastLines.some((line) => line.includes(`writing ${image} (raw, ${3 * MiB} bytes) onto disk 0 of instance web1`)));
  const written = await readFile(path);
  t.is(written.length, 8 * MiB, "the disk keeps its size");
  t.true(written.subarray(0, content.length).equals(content));
  t.true(written.subarray(content.length).every((byte) => byte === 0));
});

test("variant image writes a qcow2 image onto a qcow2 disk: the guest sees the image's bytes", async (t) => {
  const n = await node(t);
  const content = pattern(2 * MiB);
  await writeFile(join(n.dir, "source.raw"), content);
  const image = join(n.dir, "image.qcow2");
  await processExec.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", join(n.dir, "source.raw"), image]);
  const ref = disk(0, "qcow2");
  const path = await n.store.create(ref, 4);
  await run(n, "alkor-image+image", "create", [{ ref, path }], { osParams: { image } });
  const seen = await guestBytes(n, path, "qcow2");
  t.is(seen.length, 4 * MiB);
  t.true(seen.subarray(0, content.length).equals(content));
  t.is(await n.store.sizeOf(ref), 4);
});

test("variant image converts a qcow2 image onto a raw disk", async (t) => {
  const n = await node(t);
  const content = pattern(MiB);
  await writeFile(join(n.dir, "source.raw"), content);
  const image = join(n.dir, "image.qcow2");
  await processExec.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", join(n.dir, "source.raw"), image]);
  const ref = disk(0, "raw");
  const path = await n.store.create(ref, 2);
  await run(n, "alkor-image+image", "create", [{ ref, path }], { osParams: { image } });
  t.true((await readFile(path)).subarray(0, MiB).equals(content));
});

test("an image bigger than the disk is refused, naming both sizes, and the disk is left untouched", async (t) => {
  const n = await node(t);
  const image = join(n.dir, "big.raw");
  await writeFile(image, pattern(3 * MiB));
  const ref = disk(0, "raw");
  const path = await n.store.create(ref, 2);
  await t.throwsAsync(run(n, "alkor-image+image", "create", [{ ref, path }], { osParams: { image } }), {
    code: "environment_error",
    message: new RegExp(`OS create script for instance web1 failed \\(alkor-image, exit status 1; .*\\):\\nalkor-image create: image ${image} \\(${3 * MiB} bytes\\) is bigger than disk 0 of instance web1 \\(${2 * MiB} bytes\\)`),
  });
  t.true((await readFile(path)).every((byte) => byte === 0));
});

test("a missing image, or none given, fails clearly", async (t) => {
  const n = await node(t);
  const ref = disk(0, "raw");
  const path = await n.store.create(ref, 2);
  await t.throwsAsync(run(n, "alkor-image+image", "create", [{ ref, path }], { osParams: { image: "/nonexistent/debian.qcow2" } }), {
    message: /alkor-image create: image \/nonexistent\/debian\.qcow2 does not exist on this node$/,
  });
  await t.throwsAsync(run(n, "alkor-image+image", "create", [{ ref, path }]), { message: /variant image needs the OS parameter image/ });
});

test("an image of another format is refused", async (t) => {
  const n = await node(t);
  const image = join(n.dir, "image.vmdk");
  await processExec.run(["qemu-img", "create", "-q", "-f", "vmdk", image, "1M"]);
  const ref = disk(0, "raw");
  const path = await n.store.create(ref, 2);
  await t.throwsAsync(run(n, "alkor-image+image", "create", [{ ref, path }], { osParams: { image } }), { message: /image .*image\.vmdk is vmdk; only raw and qcow2 images can be written/ });
});

test("variant blank checks the disks are there and writes nothing", async (t) => {
  const n = await node(t);
  const refs = [disk(0, "raw"), disk(1, "qcow2")];
  const disks = await Promise.all(refs.map(async (ref) => ({ ref, path: await n.store.create(ref, 4) })));
  const before = await Promise.all(disks.map(({ path }) => readFile(path)));
  const { lastLines } = await run(n, "alkor-image+blank", "create", disks);
  t.deepEqual(lastLines, ["alkor-image create: variant blank, 2 disk(s) of instance web1 left as they are"]);
  const after = await Promise.all(disks.map(({ path }) => readFile(path)));
  t.true(after.every((data, index) => data.equals(before[index]!)));
});

test("variant blank fails on a disk that is not there, naming it", async (t) => {
  const n = await node(t);
  const ref = disk(0, "raw");
  const path = n.store.pathOf(ref);
  await t.throwsAsync(run(n, "alkor-image+blank", "create", [{ ref, path }]), { message: new RegExp(`disk 0 of instance web1 \\(${path}\\) does not exist`) });
});

test("verify checks the image for variant image and accepts blank", async (t) => {
  const n = await node(t);
  const image = join(n.dir, "image.raw");
  await writeFile(image, pattern(MiB));
  t.deepEqual((await run(n, "alkor-image+image", "verify", [], { osParams: { image } })).lastLines, [`alkor-image verify: image ${image} is raw`]);
  await t.throwsAsync(run(n, "alkor-image+image", "verify", [], { osParams: { image: join(n.dir, "gone.raw") } }), { message: /OS verify script for instance web1 failed .*does not exist on this node/s });
  await t.notThrowsAsync(run(n, "alkor-image+blank", "verify", []));
});

test("export writes the disk to standard output and import writes it back onto another disk", async (t) => {
  const n = await node(t);
  const source = { ref: disk(0, "raw"), path: "" };
  source.path = await n.store.create(source.ref, 2);
  const content = pattern(2 * MiB);
  await writeFile(source.path, content);
  const exported: Buffer[] = [];
  const out = new PassThrough();
  out.on("data", (chunk: Buffer) => exported.push(chunk));
  await run(n, "alkor-image+blank", "export", [source], { stdout: out, transfer: { direction: "export", index: 0 } });
  t.true(Buffer.concat(exported).equals(content));

  const target = { ref: disk(1, "raw"), path: "" };
  target.path = await n.store.create(target.ref, 2);
  await run(n, "alkor-image+blank", "import", [source, target], { stdin: Readable.from([Buffer.concat(exported)]), transfer: { direction: "import", index: 1 } });
  t.true((await readFile(target.path)).equals(content));
  t.true((await readFile(source.path)).equals(content), "the other disk is not touched");
  t.is((await stat(target.path)).size, 2 * MiB);
});

test("rename has nothing to change and says so", async (t) => {
  const n = await node(t);
  const { os } = await catalog.resolve("alkor-image+blank");
  const env = {
    ...osEnvironment({
      os: { name: os.name, variant: "blank" },
      osParams: {},
      instance: { name: "web2", uuid: instanceUuid, primaryNode: "node1", hypervisor: "kvm", beparams: {}, hvparams: {} },
      disks: [],
      nics: [],
      debugLevel: 0,
      oldInstanceName: "web1",
    }),
  };
  const { lastLines } = await runOsScript(runner, { os, script: "rename", instanceName: "web2", env, logPath: n.logPath });
  t.deepEqual(lastLines, ["alkor-image rename: instance web1 is now web2; nothing inside the instance is changed"]);
});

test("an unknown variant forced through is refused by the script itself", async (t) => {
  const n = await node(t);
  const { os } = await catalog.resolve("alkor-image+disco", { forceVariant: true });
  const env = osEnvironment({
    os: { name: os.name, variant: "disco" },
    osParams: {},
    instance: { name: "web1", uuid: instanceUuid, primaryNode: "node1", hypervisor: "kvm", beparams: {}, hvparams: {} },
    disks: [],
    nics: [],
    debugLevel: 0,
  });
  await t.throwsAsync(runOsScript(runner, { os, script: "create", instanceName: "web1", env, logPath: n.logPath }), { message: /unknown variant disco \(alkor-image has blank and image\)/ });
});
