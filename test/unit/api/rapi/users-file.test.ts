import test from "ava";
import { RapiUsersFile, type RapiUsersFiles } from "../../../../src/api/rapi/users-file.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { memoryLogger } from "../../../helpers/log.js";
import { ManualClock } from "../../../helpers/manual-clock.js";
import { ha1, READER } from "./harness.js";

const PATH = "/etc/alkor/rapi-users";

/** One file in memory; each write changes its modification time, as a real write does. */
class MemoryFiles implements RapiUsersFiles {
  text: string | null = null;
  stats = 0;
  private mtimeMs = 1;

  write(text: string | null): void {
    this.text = text;
    this.mtimeMs += 1;
  }

  async stat(): Promise<{ ino: number; size: number; mtimeMs: number }> {
    this.stats += 1;
    if (this.text === null) throw Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    return { ino: 7, size: this.text.length, mtimeMs: this.mtimeMs };
  }

  async read(): Promise<string> {
    if (this.text === null) throw Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
    return this.text;
  }
}

function setup(text: string | null) {
  const files = new MemoryFiles();
  files.write(text);
  const clock = new ManualClock();
  const { log, events } = memoryLogger();
  const usersFile = new RapiUsersFile({ path: PATH, files, clock, log, checkIntervalMs: 1000 });
  return { files, clock, events, usersFile };
}

const reader = `${READER.user} {HA1}${ha1(READER)}\n`;
const writer = `ops {HA1}${ha1({ user: "ops", password: "x" })} write\n`;

test("the first load fails with a sentence naming the file when it is missing or invalid", async (t) => {
  const missing = setup(null);
  const error = await t.throwsAsync(missing.usersFile.load(), { instanceOf: AlkorError });
  t.is(error!.message, `The RAPI users file ${PATH} cannot be read: ENOENT: no such file.`);
  const plain = setup("bob hunter2\n");
  await t.throwsAsync(plain.usersFile.load(), { message: /rapi-users line 1 \(user bob\): the password is in clear text/ });
});

test("re-reads a changed file, checking it at most once per interval", async (t) => {
  const { files, clock, usersFile } = setup(reader);
  await usersFile.load();
  files.write(reader + writer);
  const statsAfterLoad = files.stats;
  t.deepEqual([...(await usersFile.current()).keys()], ["reader"], "within the interval the file is not checked");
  t.is(files.stats, statsAfterLoad);
  clock.advance(1000);
  t.deepEqual([...(await usersFile.current()).keys()], ["reader", "ops"]);
  await usersFile.current();
  t.is(files.stats, statsAfterLoad + 1, "one check per interval however many requests");
});

test("keeps the previous users when the changed file is invalid, and reports it once", async (t) => {
  const { files, clock, events, usersFile } = setup(reader);
  await usersFile.load();
  const generation = usersFile.generation;
  files.write(`${reader}bob hunter2\n`);
  for (let check = 0; check < 3; check += 1) {
    clock.advance(1000);
    t.deepEqual([...(await usersFile.current()).keys()], ["reader"]);
  }
  t.is(usersFile.generation, generation);
  const warnings = events.filter((event) => event.level === 40);
  t.is(warnings.length, 1);
  t.regex(String(warnings[0]!.msg), /changed but cannot be used, so the previous users stay: .*line 2 \(user bob\)/);
});

test("lets no one in while the file is gone, and again once it is back", async (t) => {
  const { files, clock, events, usersFile } = setup(reader);
  await usersFile.load();
  files.write(null);
  clock.advance(1000);
  t.is((await usersFile.current()).size, 0);
  t.true(events.some((event) => event.level === 40 && String(event.msg).includes("is gone; no one can log in")));
  files.write(writer);
  clock.advance(1000);
  t.deepEqual([...(await usersFile.current()).keys()], ["ops"]);
});
