import test from "ava";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AlkorError } from "../../../src/model/errors.js";
import { ensureDirectory, readFileIfExists, writeFileDurably } from "../../../src/host/durable-file.js";

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-durable-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("a durable write leaves the content and no temporary file behind", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "state.json");
  await writeFileDurably(path, '{"a":1}\n');
  t.is(await readFile(path, "utf8"), '{"a":1}\n');
  t.deepEqual(await readdir(dir), ["state.json"]);
});

test("a durable rewrite replaces the whole content", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "state.json");
  await writeFileDurably(path, "a much longer first version\n");
  await writeFileDurably(path, "second\n");
  t.is(await readFile(path, "utf8"), "second\n");
  t.deepEqual(await readdir(dir), ["state.json"]);
});

test("a durable write makes the file readable by its owner only", async (t) => {
  const dir = await tempDir(t);
  await writeFileDurably(join(dir, "secret"), "x");
  t.is((await stat(join(dir, "secret"))).mode & 0o777, 0o600);
});

test("a failed durable write names the file and cleans up its temporary file", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "occupied");
  await mkdir(join(path, "child"), { recursive: true });
  const error = await t.throwsAsync(writeFileDurably(path, "x"), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.true(error?.message.includes(path));
  t.deepEqual(await readdir(dir), ["occupied"]);
});

test("reading a missing file gives undefined and an existing one its text", async (t) => {
  const dir = await tempDir(t);
  t.is(await readFileIfExists(join(dir, "missing")), undefined);
  await writeFileDurably(join(dir, "present"), "hello");
  t.is(await readFileIfExists(join(dir, "present")), "hello");
});

test("reading a directory as a file is an error naming the path", async (t) => {
  const dir = await tempDir(t);
  const error = await t.throwsAsync(readFileIfExists(dir), { instanceOf: AlkorError });
  t.true(error?.message.includes(dir));
});

test("a missing directory is created with the given mode and an existing one is left alone", async (t) => {
  const dir = await tempDir(t);
  const created = join(dir, "a", "b");
  await ensureDirectory(created, 0o700);
  t.is((await stat(created)).mode & 0o777, 0o700);
  await writeFileDurably(join(created, "kept"), "x");
  await ensureDirectory(created, 0o700);
  t.deepEqual(await readdir(created), ["kept"]);
});
