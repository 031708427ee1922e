import test from "ava";
import { pino } from "pino";
import { RapiAuthenticator } from "../../../../src/api/rapi/auth.js";
import { RapiError } from "../../../../src/api/rapi/errors.js";
import { RapiUsersFile } from "../../../../src/api/rapi/users-file.js";
import { ManualClock } from "../../../helpers/manual-clock.js";
import { ADMIN, ha1, OPERATOR, READER, usersFileText } from "./harness.js";

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

async function setup() {
  const file = { text: await usersFileText(), mtimeMs: 1 };
  const clock = new ManualClock();
  const usersFile = new RapiUsersFile({
    path: "users",
    files: { stat: async () => ({ ino: 1, size: file.text.length, mtimeMs: file.mtimeMs }), read: async () => file.text },
    clock,
    log: pino({ level: "silent" }),
    checkIntervalMs: 1000,
  });
  await usersFile.load();
  return { file, clock, authenticator: new RapiAuthenticator(usersFile) };
}

async function refusal(t: import("ava").ExecutionContext, authenticator: RapiAuthenticator, header: string | undefined): Promise<RapiError> {
  const error = await t.throwsAsync(authenticator.authenticate(header), { instanceOf: RapiError });
  t.is(error!.status, 401);
  t.deepEqual(error!.headers, { "www-authenticate": 'Basic realm="Ganeti Remote API"' });
  return error!;
}

test("accepts users with {scrypt} and {HA1} passwords, with their write option", async (t) => {
  const { authenticator } = await setup();
  t.deepEqual(await authenticator.authenticate(basic(OPERATOR.user, OPERATOR.password)), { user: "operator", canWrite: true });
  t.deepEqual(await authenticator.authenticate(basic(ADMIN.user, ADMIN.password)), { user: "admin", canWrite: true });
  t.deepEqual(await authenticator.authenticate(basic(READER.user, READER.password)), { user: "reader", canWrite: false });
  t.deepEqual(await authenticator.authenticate(`basic   ${Buffer.from("reader:reader-secret").toString("base64")}`), { user: "reader", canWrite: false });
});

test("answers 401 with Ganeti's realm for missing, malformed or wrong credentials", async (t) => {
  const { authenticator } = await setup();
  t.is((await refusal(t, authenticator, undefined)).message, "", "Ganeti's reason phrase fills it in");
  await refusal(t, authenticator, "Bearer abc");
  await refusal(t, authenticator, "Basic");
  await refusal(t, authenticator, "Basic !!!notbase64");
  await refusal(t, authenticator, `Basic ${Buffer.from("no-colon").toString("base64")}`);
  await refusal(t, authenticator, `Basic ${"A".repeat(2000)}`);
  t.is((await refusal(t, authenticator, basic("admin", "wrong"))).message, "Wrong user name or password.");
  await refusal(t, authenticator, basic(OPERATOR.user, "wrong"));
  await refusal(t, authenticator, basic("nobody", "admin-secret"));
  await refusal(t, authenticator, basic("reader", ""));
});

test("forgets verified credentials when the users file changes", async (t) => {
  const { file, clock, authenticator } = await setup();
  t.true((await authenticator.authenticate(basic(READER.user, READER.password))).user === "reader");
  file.text = `${READER.user} {HA1}${ha1({ user: READER.user, password: "new-secret" })}\n`;
  file.mtimeMs += 1;
  clock.advance(1000);
  await refusal(t, authenticator, basic(READER.user, READER.password));
  t.is((await authenticator.authenticate(basic(READER.user, "new-secret"))).user, "reader");
  await refusal(t, authenticator, basic(ADMIN.user, ADMIN.password));
});
