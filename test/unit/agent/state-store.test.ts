import test from "ava";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { AlkorError } from "../../../src/model/errors.js";
import { openStateStore } from "../../../src/agent/state-store.js";

const CounterSchema = z.object({ counter: z.number().int(), note: z.string() }).strict();
type Counter = z.infer<typeof CounterSchema>;

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-state-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function open(dir: string) {
  return openStateStore<Counter>({ dir, fileName: "counter.json", defaults: { counter: 0, note: "new" }, schema: CounterSchema });
}

test("a missing state directory is created readable by its owner only", async (t) => {
  const dir = join(await tempDir(t), "state");
  await open(dir);
  t.is((await stat(dir)).mode & 0o777, 0o700);
});

test("a store without a file holds its defaults and creates no file until written", async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir);
  t.deepEqual(store.data, { counter: 0, note: "new" });
  t.deepEqual(await readdir(dir), []);
});

test("what a store writes is there when it is opened again", async (t) => {
  const dir = await tempDir(t);
  const first = await open(dir);
  await first.update((data) => {
    data.counter = 7;
  });
  const second = await open(dir);
  t.deepEqual(second.data, { counter: 7, note: "new" });
  t.deepEqual(await readdir(dir), ["counter.json"]);
});

test("writes made without waiting land in the order they were made", async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir);
  const writes: Array<Promise<void>> = [];
  for (let i = 1; i <= 20; i++) {
    store.data.counter = i;
    writes.push(store.write());
  }
  await Promise.all(writes);
  t.is((await open(dir)).data.counter, 20);
});

test("a state file that is not JSON is refused with the file named and left untouched", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "counter.json");
  await writeFile(path, '{"counter": 3, "no');
  const error = await t.throwsAsync(open(dir), { instanceOf: AlkorError });
  t.is(error?.code, "wrong_state");
  t.true(error?.message.includes(path));
  t.regex(error?.message ?? "", /not valid JSON/);
  t.is(await readFile(path, "utf8"), '{"counter": 3, "no');
});

test("an empty state file is refused rather than taken as no state", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "counter.json"), "");
  await t.throwsAsync(open(dir), { instanceOf: AlkorError, message: /counter\.json is not valid JSON/ });
});

test("a state file that does not match its schema is refused naming the file and the field", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "counter.json");
  await writeFile(path, '{"counter": "three", "note": "x"}');
  const error = await t.throwsAsync(open(dir), { instanceOf: AlkorError });
  t.true(error?.message.includes(path));
  t.regex(error?.message ?? "", /counter:/);
});

test("state that does not match the schema is never written", async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir);
  await store.update((data) => {
    data.counter = 1;
  });
  (store.data as { counter: unknown }).counter = "oops";
  await t.throwsAsync(store.write(), { instanceOf: AlkorError, message: /Refusing to write invalid state/ });
  t.is((await open(dir)).data.counter, 1);
});
