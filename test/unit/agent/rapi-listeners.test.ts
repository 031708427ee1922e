import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { RapiListeners } from "../../../src/agent/rapi-listeners.js";
import type { RapiBackend } from "../../../src/api/rapi/backend.js";
import { processExec } from "../../../src/host/exec.js";
import { makeSelfSignedCertificate, type TlsPair } from "../../../src/host/tls/self-signed.js";
import { memoryLogger } from "../../helpers/log.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { waitFor } from "../../helpers/wait.js";

const own = "127.0.33.1";
const clusterIp = "127.0.33.254";
const port = 15_080;

function listening(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

async function setup(t: import("ava").ExecutionContext, usersFile?: string) {
  const dir = await mkdtemp(join(tmpdir(), "alkor-rapi-listeners-"));
  const users = usersFile ?? join(dir, "users");
  if (usersFile === undefined) await writeFile(users, "# nobody yet\n");
  const world = { tls: null as TlsPair | null, ip: null as string | null };
  const clock = new ManualClock();
  const { log, events } = memoryLogger();
  const listeners = new RapiListeners({
    address: own,
    port,
    usersFile: users,
    backend: {} as RapiBackend,
    certificate: () => world.tls,
    clusterIp: () => world.ip,
    clock,
    log,
  });
  t.teardown(async () => {
    await listeners.stop();
    await rm(dir, { recursive: true, force: true });
  });
  await listeners.start();
  return { world, listeners, clock, events };
}

test.serial("the RAPI starts once the cluster has its certificate, and follows the cluster IP while this node holds it", async (t) => {
  const { world, listeners } = await setup(t);
  t.false(await listening(own), "no certificate yet, no RAPI");
  world.tls = await makeSelfSignedCertificate(processExec, "test", 1);
  listeners.onProgress();
  await waitFor("the RAPI on the node's address", () => listening(own));
  t.false(await listening(clusterIp));
  world.ip = clusterIp;
  listeners.onProgress();
  await waitFor("the RAPI on the cluster IP", () => listening(clusterIp));
  world.ip = null;
  listeners.onProgress();
  await waitFor("the cluster IP listener to close", async () => !(await listening(clusterIp)));
  t.true(await listening(own), "the node's own listener stays");
});

test.serial("a RAPI that cannot start says why once, and tries again every 30 s", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-rapi-users-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const users = join(dir, "rapi-users");
  const { world, listeners, clock, events } = await setup(t, users);
  world.tls = await makeSelfSignedCertificate(processExec, "test", 1);
  const failures = () => events.filter((event) => event["level"] === 50);
  listeners.onProgress();
  await waitFor("the failure to be logged", () => failures().length === 1);
  t.regex(String(failures()[0]!["msg"]), /^The RAPI could not be started: .*rapi-users.* Trying every 30 s\.$/);
  await writeFile(users, "# nobody yet\n");
  listeners.onProgress();
  t.false(await listening(own), "not before 30 s have passed");
  clock.advance(30_000);
  listeners.onProgress();
  await waitFor("the RAPI to start on the next attempt", () => listening(own));
  t.is(failures().length, 1, "the reason was said once");
});
