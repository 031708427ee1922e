import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { FileRaftStorage } from "../../../src/cluster/raft-storage.js";
import type { Entry } from "../../../src/consensus/types.js";
import { localDurableFiles } from "../../../src/host/durable-file.js";

async function storageIn(t: { teardown(fn: () => Promise<void>): void }): Promise<{ storage: FileRaftStorage; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-raft-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { storage: new FileRaftStorage(join(dir, "raft"), localDurableFiles), dir: join(dir, "raft") };
}

const entry = (index: number, term = 1): Entry => ({ index, term, data: { n: index } });

test("a node that never began a log has no Raft state", async (t) => {
  const { storage } = await storageIn(t);
  t.is(await storage.load(), undefined);
});

test("what was persisted is loaded back by a new instance: initial voters, hard state, entries", async (t) => {
  const { storage, dir } = await storageIn(t);
  await storage.begin(["a"]);
  await storage.persist({ entries: [entry(1), entry(2)], hardState: { term: 1, votedFor: "a", commit: 1 } });
  await storage.persist({ entries: [entry(3)] });
  const loaded = await new FileRaftStorage(dir, localDurableFiles).load();
  t.deepEqual(loaded, { initialVoters: ["a"], state: { hardState: { term: 1, votedFor: "a", commit: 1 }, entries: [entry(1), entry(2), entry(3)] } });
});

test("truncation replaces the conflicting suffix", async (t) => {
  const { storage, dir } = await storageIn(t);
  await storage.begin([]);
  await storage.persist({ entries: [entry(1), entry(2), entry(3)] });
  await storage.persist({ truncateFrom: 2, entries: [entry(2, 2)] });
  const loaded = await new FileRaftStorage(dir, localDurableFiles).load();
  t.deepEqual(loaded?.state.entries, [entry(1), entry(2, 2)]);
});

test("a snapshot drops the entries it covers", async (t) => {
  const { storage, dir } = await storageIn(t);
  await storage.begin(["a"]);
  await storage.persist({ entries: [entry(1), entry(2), entry(3)] });
  const snapshot = { index: 2, term: 1, voters: ["a"], learners: [], data: { state: 2 } };
  await storage.persist({ snapshot, entries: [] });
  const loaded = await new FileRaftStorage(dir, localDurableFiles).load();
  t.deepEqual(loaded?.state.snapshot, snapshot);
  t.deepEqual(loaded?.state.entries, [entry(3)]);
});

test("a torn last line (a crash mid-append) is dropped; damage before it is refused", async (t) => {
  const { storage, dir } = await storageIn(t);
  await storage.begin([]);
  await storage.persist({ entries: [entry(1)] });
  await appendFile(join(dir, "log.jsonl"), '{"index":2,"te');
  t.deepEqual((await new FileRaftStorage(dir, localDurableFiles).load())?.state.entries, [entry(1)]);
  await writeFile(join(dir, "log.jsonl"), 'garbage\n{"index":2,"term":1,"data":null}\n');
  await t.throwsAsync(new FileRaftStorage(dir, localDurableFiles).load(), { message: /log.jsonl line 1 is not valid JSON.*refusing to start/ });
  await writeFile(join(dir, "log.jsonl"), `${JSON.stringify(entry(1))}\n${JSON.stringify(entry(3))}\n`);
  await t.throwsAsync(new FileRaftStorage(dir, localDurableFiles).load(), { message: /skips from index 1 to 3/ });
});

test("erase forgets the cluster; begin starts a clean log", async (t) => {
  const { storage, dir } = await storageIn(t);
  await storage.begin(["a"]);
  await storage.persist({ entries: [entry(1)], hardState: { term: 3, votedFor: null, commit: 1 } });
  await storage.erase();
  t.is(await new FileRaftStorage(dir, localDurableFiles).load(), undefined);
  await storage.begin(["b"]);
  const loaded = await new FileRaftStorage(dir, localDurableFiles).load();
  t.deepEqual(loaded, { initialVoters: ["b"], state: { hardState: { term: 0, votedFor: null, commit: 0 }, entries: [] } });
  t.is(JSON.parse(await readFile(join(dir, "bootstrap.json"), "utf8")).initialVoters[0], "b");
});

test("a node removed from a cluster remembers which, until it begins a new log", async (t) => {
  const { storage, dir } = await storageIn(t);
  t.is(await storage.removedFrom(), null);
  await storage.begin(["a"]);
  await storage.erase("cluster-1");
  const reloaded = new FileRaftStorage(dir, localDurableFiles);
  t.is(await reloaded.load(), undefined);
  t.is(await reloaded.removedFrom(), "cluster-1");
  await reloaded.begin([]);
  t.is(await reloaded.removedFrom(), null);
});
