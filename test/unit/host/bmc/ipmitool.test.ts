import test from "ava";
import type { BmcTarget } from "../../../../src/host/bmc/bmc.js";
import { IpmitoolBmc } from "../../../../src/host/bmc/ipmitool.js";
import { parsePowerStatus } from "../../../../src/host/bmc/ipmitool-output.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { FakeExec } from "../net/fake-exec.js";
import {
  badHostStderr,
  cipherRefusedStderr,
  controlCycle,
  controlOff,
  controlOn,
  controlRefusedStderr,
  controlReset,
  statusOff,
  statusOn,
  unknownUserStderr,
  unreachableStderr,
  verboseNoise,
  wrongPasswordStderr,
} from "./recorded-ipmitool.js";

const target: BmcTarget = { address: "10.253.0.12", port: 623, user: "admin", password: "s3cret-pw" };
const session = "ipmitool -v -I lanplus -C 3 -H 10.253.0.12 -p 623 -U admin -E -N 1 -R 2";

test("the power state is read from ipmitool's sentence", (t) => {
  t.is(parsePowerStatus(statusOn), "on");
  t.is(parsePowerStatus(statusOff), "off");
  t.throws(() => parsePowerStatus(verboseNoise), { code: "environment_error", message: /is not "Chassis Power is on\|off"/ });
});

test("each power command is one chassis power call over lanplus with cipher suite 3", async (t) => {
  const answers: Record<string, string> = { status: statusOn, on: controlOn, off: controlOff, reset: controlReset, cycle: controlCycle };
  const exec = new FakeExec((argv) => ({ stdout: answers[argv.at(-1)!]! }));
  const bmc = new IpmitoolBmc(exec, target);
  t.is(await bmc.powerStatus(), "on");
  await bmc.powerOn();
  await bmc.powerOff();
  await bmc.powerReset();
  await bmc.powerCycle();
  t.deepEqual(exec.commands, ["status", "on", "off", "reset", "cycle"].map((command) => `${session} chassis power ${command}`));
});

test("the password travels in the environment, never in the arguments ps shows", async (t) => {
  const exec = new FakeExec(() => ({ stdout: statusOff }));
  await new IpmitoolBmc(exec, target).powerStatus();
  const [call] = exec.calls;
  t.false(call?.argv.some((arg) => arg.includes(target.password)));
  t.true(call?.argv.includes("-E"));
  t.is(call?.options?.env?.["IPMI_PASSWORD"], target.password);
});

test("timeouts and cipher suite can be tuned", async (t) => {
  const exec = new FakeExec(() => ({ stdout: statusOff }));
  await new IpmitoolBmc(exec, target, { cipherSuite: 17, answerTimeoutSeconds: 2, retries: 4 }).powerStatus();
  t.is(exec.commands[0], "ipmitool -v -I lanplus -C 17 -H 10.253.0.12 -p 623 -U admin -E -N 2 -R 4 chassis power status");
  t.true((exec.calls[0]?.options?.timeoutMs ?? 0) > 4 * 2 * 1000);
});

for (const [what, stderr, code, reason, message] of [
  ["a wrong password", wrongPasswordStderr, "wrong_input", "bad_credentials", /refused user "admin" or its password/],
  ["an unknown user", unknownUserStderr, "wrong_input", "bad_credentials", /refused user "admin" or its password/],
  ["a BMC that does not answer", unreachableStderr, "environment_error", "unreachable", /the BMC at 10\.253\.0\.12:623 does not answer/],
  ["an address that does not resolve", badHostStderr, "environment_error", "unreachable", /does not resolve/],
  ["a cipher suite the BMC lacks", cipherRefusedStderr, "environment_error", "unsupported_cipher", /does not offer the requested IPMI cipher suite/],
  ["a BMC that refuses the command", controlRefusedStderr, "environment_error", "refused", /refused: Invalid data field in request/],
] as const) {
  test(`${what} is told apart in the error`, async (t) => {
    const bmc = new IpmitoolBmc(new FakeExec(() => ({ fails: stderr })), target);
    const error = await t.throwsAsync(bmc.powerOff(), { instanceOf: AlkorError, code, message });
    t.regex(error?.message ?? "", /^Could not power the node off: /);
    t.is(error?.details?.["reason"], reason);
    t.false(error?.message.includes(target.password));
  });
}

for (const [what, broken] of [
  ["an address that reads as an option", { ...target, address: "-H" }],
  ["a port out of range", { ...target, port: 70000 }],
  ["a user name longer than IPMI allows", { ...target, user: "a-very-long-user-name" }],
  ["a password longer than IPMI allows", { ...target, password: "x".repeat(21) }],
] as const) {
  test(`${what} is refused`, (t) => {
    t.throws(() => new IpmitoolBmc(new FakeExec(() => ({ stdout: "" })), broken), { code: "wrong_input" });
  });
}
