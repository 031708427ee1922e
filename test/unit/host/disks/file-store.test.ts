import test, { type ExecutionContext } from "ava";
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DiskRef } from "../../../../src/host/disks/disk-store.js";
import { FileDiskStore, statfsFreeBytes } from "../../../../src/host/disks/file-store.js";
import { parseQemuImgInfo } from "../../../../src/host/disks/qemu-img-info.js";
import { processExec, type Exec } from "../../../../src/host/exec.js";
import { AlkorError } from "../../../../src/model/errors.js";

// These run the real qemu-img in a temporary directory.

const instanceUuid = "0b1f3c5e-8a2d-4c6f-9e1b-3d5f7a9c2e4b";
const raw0: DiskRef = { instanceUuid, diskUuid: "5a7c9e1b-2d4f-4a6c-8e0b-1c3e5f7a9b2d", index: 0, format: "raw" };
const qcow1: DiskRef = { instanceUuid, diskUuid: "9c2e4a6b-8d0f-4b2d-a4c6-e8f0a2b4c6d8", index: 1, format: "qcow2" };

async function storageDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-file-storage-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function imageInfo(path: string) {
  return parseQemuImgInfo((await processExec.run(["qemu-img", "info", "-U", "--output=json", path])).stdout);
}

test("a raw disk is a sparse raw image at the path derived from instance, index and disk", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec);
  const path = await store.create(raw0, 64);
  t.is(path, join(dir, instanceUuid, `disk0-${raw0.diskUuid}.raw`));
  t.is(store.pathOf(raw0), path);
  t.is(await store.sizeOf(raw0), 64);
  const info = await imageInfo(path);
  t.like(info, { format: "raw", virtualSizeBytes: 64 * 1024 * 1024 });
  t.true((await stat(path)).blocks * 512 < 1024 * 1024, "a new raw disk allocates (almost) nothing");
});

test("a qcow2 disk is a qcow2 image of the size asked for", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec);
  const path = await store.create(qcow1, 100);
  t.is(path, join(dir, instanceUuid, `disk1-${qcow1.diskUuid}.qcow2`));
  t.like(await imageInfo(path), { format: "qcow2", virtualSizeBytes: 100 * 1024 * 1024 });
  t.is(await store.sizeOf(qcow1), 100);
});

test("raw and qcow2 disks grow, and growing to the same size does nothing", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  for (const ref of [raw0, qcow1]) {
    await store.create(ref, 32);
    await store.grow(ref, 96);
    t.is(await store.sizeOf(ref), 96, ref.format);
    await store.grow(ref, 96);
    t.is(await store.sizeOf(ref), 96, ref.format);
  }
});

test("a disk never shrinks: the refusal names both sizes and the disk keeps its size", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  await store.create(qcow1, 64);
  const error = await t.throwsAsync(store.grow(qcow1, 32), { instanceOf: AlkorError });
  t.is(error?.code, "wrong_input");
  t.regex(error?.message ?? "", /Disk 1 of instance .* is 64 MiB; it cannot shrink to 32 MiB/);
  t.is(await store.sizeOf(qcow1), 64);
});

test("a disk larger than the free space is refused before anything is created, naming both sizes", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec, async () => 100 * 1024 * 1024 + 5);
  t.is(await store.freeMiB(), 100);
  const error = await t.throwsAsync(store.create(raw0, 101), { instanceOf: AlkorError });
  t.is(error?.code, "insufficient_resources");
  t.regex(error?.message ?? "", /\(101 MiB\) needs 101 MiB, but file storage .* has only 100 MiB free/);
  t.deepEqual(await readdir(dir), [], "neither the disk nor the instance directory is left behind");
  await store.create(raw0, 100);
  t.is(await store.sizeOf(raw0), 100);
});

test("the free space is the file system's, as statfs gives it, and too big a disk against it is refused", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec);
  const free = await store.freeMiB();
  t.true(free > 0);
  t.true(Math.abs(free - Math.floor((await statfsFreeBytes(dir)) / 2 ** 20)) <= 16);
  await t.throwsAsync(store.create(raw0, free + 1024), { code: "insufficient_resources", message: new RegExp(`needs ${free + 1024} MiB`) });
});

test("growing by more than the free space is refused and leaves the size alone", async (t) => {
  let freeBytes = 1024 * 1024 * 1024;
  const store = new FileDiskStore(await storageDir(t), processExec, async () => freeBytes);
  await store.create(raw0, 64);
  freeBytes = 10 * 1024 * 1024;
  await t.throwsAsync(store.grow(raw0, 128), { code: "insufficient_resources", message: /from 64 to 128 MiB needs 64 MiB, but .* has only 10 MiB free/ });
  t.is(await store.sizeOf(raw0), 64);
});

test("creating over an existing disk is refused and leaves its content as it was", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  const path = await store.create(raw0, 16);
  const file = await open(path, "r+");
  await file.write(Buffer.from("guest data"), 0, 10, 4096);
  await file.close();
  await t.throwsAsync(store.create(raw0, 16), { code: "already_exists", message: new RegExp(`already exists at ${path}`) });
  t.is((await readFile(path)).subarray(4096, 4106).toString(), "guest data");
});

test("two creates of the same disk at once: exactly one succeeds", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  const results = await Promise.allSettled([store.create(qcow1, 16), store.create(qcow1, 16)]);
  t.is(results.filter((result) => result.status === "fulfilled").length, 1);
  const refused = results.find((result) => result.status === "rejected");
  t.is(((refused as PromiseRejectedResult).reason as AlkorError).code, "already_exists");
  t.is(await store.sizeOf(qcow1), 16);
});

test("a qemu-img failure leaves no half-made disk behind", async (t) => {
  const dir = await storageDir(t);
  const failing: Exec = { run: (argv) => processExec.run(argv[1] === "create" ? [...argv.slice(0, -1), "-5M"] : argv) };
  await t.throwsAsync(new FileDiskStore(dir, failing).create(raw0, 16), { code: "environment_error", message: /qemu-img create/ });
  t.deepEqual(await readdir(dir), []);
});

test("removal deletes the disk, then the instance directory once empty, and a second removal is fine", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec);
  await store.create(raw0, 8);
  await store.create(qcow1, 8);
  await store.remove(raw0);
  t.is(await store.sizeOf(raw0), null);
  t.deepEqual(await readdir(join(dir, instanceUuid)), [`disk1-${qcow1.diskUuid}.qcow2`]);
  await store.remove(qcow1);
  t.deepEqual(await readdir(dir), []);
  await store.remove(qcow1);
  await store.remove(raw0);
});

test("a disk that is absent has no size and cannot be activated or grown", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  t.is(await store.sizeOf(raw0), null);
  await t.throwsAsync(store.activate(raw0), { code: "environment_error", message: /Disk 0 of instance .* is missing on this node: there is no file / });
  await t.throwsAsync(store.grow(raw0, 10), { code: "environment_error" });
});

test("activation of a file disk checks it is there and gives its path; deactivation leaves it", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  const path = await store.create(raw0, 8);
  t.is(await store.activate(raw0), path);
  await store.deactivate(raw0);
  t.is(await store.sizeOf(raw0), 8);
});

for (const [what, ref] of [
  ["an instance UUID that climbs out of the directory", { ...raw0, instanceUuid: ".." }],
  ["a disk UUID with a slash", { ...raw0, diskUuid: "a/../../etc/passwd" }],
  ["a UUID in upper case (a second spelling of one disk)", { ...raw0, diskUuid: raw0.diskUuid.toUpperCase() }],
  ["a negative index", { ...raw0, index: -1 }],
  ["a format other than raw or qcow2", { ...raw0, format: "vmdk" as "raw" }],
] as const) {
  test(`${what} is refused before anything is touched`, async (t) => {
    const dir = await storageDir(t);
    const store = new FileDiskStore(dir, processExec);
    t.throws(() => store.pathOf(ref), { instanceOf: AlkorError, message: /is not a valid|must be a whole number|is not raw or qcow2/ });
    await t.throwsAsync(store.create(ref, 8), { code: "wrong_input" });
    await t.throwsAsync(store.remove(ref), { code: "wrong_input" });
    t.deepEqual(await readdir(dir), []);
  });
}

test("a size that is not a positive whole number of MiB is refused", async (t) => {
  const store = new FileDiskStore(await storageDir(t), processExec);
  await t.throwsAsync(store.create(raw0, 0), { code: "wrong_input" });
  await t.throwsAsync(store.create(raw0, 1.5), { code: "wrong_input" });
});

test("the storage directory must be absolute, and one that is missing is made on the first create", async (t) => {
  t.throws(() => new FileDiskStore("srv/alkor", processExec), { message: /must be an absolute path/ });
  const parent = await storageDir(t);
  const dir = join(parent, "file-storage");
  await new FileDiskStore(dir, processExec).create(raw0, 8);
  t.deepEqual(await readdir(dir), [instanceUuid]);
});

test("a file in the instance directory that is not alkor's is left alone by removal", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec);
  await mkdir(join(dir, instanceUuid));
  await writeFile(join(dir, instanceUuid, "notes.txt"), "keep");
  await store.remove(raw0);
  t.deepEqual(await readdir(join(dir, instanceUuid)), ["notes.txt"]);
});

test("the inventory lists the image files in instance directories by their names, and nothing else", async (t) => {
  const dir = await storageDir(t);
  const store = new FileDiskStore(dir, processExec);
  t.deepEqual(await new FileDiskStore(join(dir, "not-made-yet"), processExec).inventory(), [], "a directory not made yet holds no disks");
  await store.create(raw0, 1);
  await store.create(qcow1, 1);
  // Look-alikes that alkor did not make: a stray file, a directory not named by a UUID, a
  // directory where a disk's name would be, an upper-case UUID.
  await writeFile(join(dir, instanceUuid, "notes.txt"), "x");
  await mkdir(join(dir, "backup", instanceUuid), { recursive: true });
  await writeFile(join(dir, "backup", `disk0-${raw0.diskUuid}.raw`), "");
  await mkdir(join(dir, instanceUuid, `disk2-${raw0.diskUuid}.raw`));
  await writeFile(join(dir, instanceUuid, `disk3-${raw0.diskUuid.toUpperCase()}.raw`), "");
  const listed = await store.inventory();
  t.deepEqual(
    listed.sort((a, b) => a.index - b.index),
    [
      { diskUuid: raw0.diskUuid, index: 0, location: store.pathOf(raw0) },
      { diskUuid: qcow1.diskUuid, index: 1, location: store.pathOf(qcow1) },
    ],
  );
});
