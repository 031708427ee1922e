import test from "ava";
import { hashRapiPassword, parseRapiUsers, verifyRapiPassword } from "../../../../src/api/rapi/users.js";
import { cryptoRandom } from "../../../../src/host/random.js";
import { AlkorError } from "../../../../src/model/errors.js";

// Ganeti's documentation example: echo -n 'jack:Ganeti Remote API:abc123' | openssl md5
const JACK_HA1 = "{ha1}54c12257ee9be413f2f3182435514aae";

test("reads users with {HA1} passwords, comments, blank lines and the write option", async (t) => {
  const users = parseRapiUsers(`# operators\n\njack ${JACK_HA1} write\n  jill {HA1}${"0".repeat(32)} read\n`, "users");
  t.deepEqual([...users.keys()], ["jack", "jill"]);
  t.true(users.get("jack")!.canWrite);
  t.false(users.get("jill")!.canWrite);
  t.true(await verifyRapiPassword(users.get("jack")!, "abc123"));
  t.false(await verifyRapiPassword(users.get("jack")!, "abc124"));
});

test("hashRapiPassword writes an {scrypt} password that verifies and is salted afresh each time", async (t) => {
  const first = await hashRapiPassword("s3cret pass", cryptoRandom);
  const second = await hashRapiPassword("s3cret pass", cryptoRandom);
  t.regex(first, /^\{scrypt\}ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  t.not(first, second);
  const user = parseRapiUsers(`ops ${first} write`, "users").get("ops")!;
  t.true(await verifyRapiPassword(user, "s3cret pass"));
  t.false(await verifyRapiPassword(user, "s3cret pasS"));
});

function refusal(t: import("ava").ExecutionContext, text: string): string {
  const error = t.throws(() => parseRapiUsers(text, "/etc/alkor/rapi-users"), { instanceOf: AlkorError });
  t.is((error as AlkorError).code, "wrong_input");
  return error!.message;
}

test("refuses a clear-text password, naming the file and line", (t) => {
  const message = refusal(t, `jack ${JACK_HA1}\n# comment\nbob hunter2 write\n`);
  t.true(message.startsWith("/etc/alkor/rapi-users line 3 (user bob): the password is in clear text"));
});

test("refuses Ganeti's explicit {cleartext} scheme too", (t) => {
  t.regex(refusal(t, "bob {cleartext}hunter2"), /line 1 \(user bob\): the password is in clear text/);
});

test("refuses unknown schemes, malformed hashes and weak scrypt parameters", (t) => {
  t.regex(refusal(t, "bob {md5}abc"), /unknown password scheme \{md5\}/);
  t.regex(refusal(t, "bob {HA1}xyz"), /32 hexadecimal digits/);
  t.regex(refusal(t, `bob {scrypt}ln=4,r=8,p=1$${"A".repeat(22)}$${"A".repeat(43)}`), /out of bounds/);
  t.regex(refusal(t, `bob {scrypt}ln=20,r=16,p=1$${"A".repeat(22)}$${"A".repeat(43)}`), /out of bounds/);
  t.regex(refusal(t, "bob {scrypt}garbage"), /ln=L,r=R,p=P/);
});

test("refuses duplicate users, unknown options and lines with too few or too many fields", (t) => {
  t.regex(refusal(t, `jack ${JACK_HA1}\njack ${JACK_HA1}`), /line 2: user jack is listed twice/);
  t.regex(refusal(t, `jack ${JACK_HA1} admin`), /unknown option "admin"/);
  t.regex(refusal(t, "jack"), /line 1: expected "name password \[options\]", found 1 fields/);
  t.regex(refusal(t, `jack ${JACK_HA1} write extra`), /found 4 fields/);
  t.regex(refusal(t, `ja:ck ${JACK_HA1}`), /without blanks or ':'/);
});
