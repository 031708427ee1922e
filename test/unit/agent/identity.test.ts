import test from "ava";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Random } from "../../../src/host/random.js";
import { AlkorError } from "../../../src/model/errors.js";
import { loadOrCreateIdentity, type IdentityContext } from "../../../src/agent/identity.js";
import { ManualClock } from "../../helpers/manual-clock.js";

const firstUuid = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab";
const secondUuid = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";

function fixedRandom(uuid: string): Random {
  return { uuid: () => uuid, int: (min) => min };
}

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-identity-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function context(stateDir: string, overrides: Partial<IdentityContext> = {}): IdentityContext {
  return {
    stateDir,
    configuredName: undefined,
    hostName: "node1",
    clock: new ManualClock(),
    random: fixedRandom(firstUuid),
    ...overrides,
  };
}

test("the first start chooses a UUID from Random and the host name, and stores them", async (t) => {
  const dir = await tempDir(t);
  const clock = new ManualClock();
  const { identity, created } = await loadOrCreateIdentity(context(dir, { clock }));
  t.true(created);
  t.deepEqual(identity, { uuid: firstUuid, name: "node1", createdAt: new Date(clock.now()).toISOString() });
  t.deepEqual(JSON.parse(await readFile(join(dir, "identity.json"), "utf8")), identity);
});

test("a configured node name is taken over the host name at the first start", async (t) => {
  const dir = await tempDir(t);
  const { identity } = await loadOrCreateIdentity(context(dir, { configuredName: "rack1-node3" }));
  t.is(identity.name, "rack1-node3");
});

test("later starts reuse the stored identity", async (t) => {
  const dir = await tempDir(t);
  const first = await loadOrCreateIdentity(context(dir));
  const second = await loadOrCreateIdentity(context(dir, { random: fixedRandom(secondUuid), hostName: "renamed-host" }));
  t.false(second.created);
  t.deepEqual(second.identity, first.identity);
});

test("a configured name that differs from the stored one is refused as a rename", async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateIdentity(context(dir));
  const error = await t.throwsAsync(loadOrCreateIdentity(context(dir, { configuredName: "node2" })), { instanceOf: AlkorError });
  t.is(error?.code, "wrong_input");
  t.regex(error?.message ?? "", /"node2" differs from this node's name "node1"/);
  t.regex(error?.message ?? "", /Renaming a node is not supported yet/);
  t.regex(error?.message ?? "", /identity\.json/);
});

test("a configured name equal to the stored one is accepted", async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateIdentity(context(dir, { configuredName: "node7" }));
  const { identity } = await loadOrCreateIdentity(context(dir, { configuredName: "node7" }));
  t.is(identity.name, "node7");
});

test("a host name that cannot be a node name asks for nodeName in the configuration", async (t) => {
  const dir = await tempDir(t);
  await t.throwsAsync(loadOrCreateIdentity(context(dir, { hostName: "bad_host" })), {
    instanceOf: AlkorError,
    message: /"bad_host" cannot be a node name.*set nodeName/,
  });
});

test("a corrupt identity file stops the start and is not replaced by a new identity", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "identity.json");
  await loadOrCreateIdentity(context(dir));
  await writeFile(path, '{"uuid": "6f1c2d3e');
  await t.throwsAsync(loadOrCreateIdentity(context(dir, { random: fixedRandom(secondUuid) })), {
    instanceOf: AlkorError,
    message: new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON`),
  });
  t.is(await readFile(path, "utf8"), '{"uuid": "6f1c2d3e');
});
