import { AlkorError } from "../../model/errors.js";
import type { BmcTarget, PowerState } from "./bmc.js";

/** Parses `ipmitool chassis power status`: "Chassis Power is on" (ipmitool's ipmi_chassis.c). */
export function parsePowerStatus(stdout: string): PowerState {
  const match = /^Chassis Power is (on|off)\s*$/m.exec(stdout);
  if (match === null) {
    throw new AlkorError("environment_error", `The output of "ipmitool chassis power status" cannot be read: "${stdout.trim()}" is not "Chassis Power is on|off".`);
  }
  return match[1] as PowerState;
}

/** Why a BMC could not be used: "bad_credentials" will not go away by retrying; the others may. */
export type BmcFailure = "bad_credentials" | "unreachable" | "unsupported_cipher" | "refused";

/**
 * Turns ipmitool's failure into a sentence an operator can act on. Every
 * session failure ends in "Unable to establish IPMI v2 / RMCP+ session"; only
 * the -v lines before it tell a wrong password from an unreachable BMC
 * (messages of ipmitool 1.8.19's lanplus interface, recorded against ipmi_sim).
 */
export function describeIpmitoolFailure(target: Pick<BmcTarget, "address" | "port" | "user">, action: string, toolMessage: string): AlkorError {
  const bmc = `the BMC at ${target.address}:${target.port}`;
  const failure = (reason: BmcFailure, code: "wrong_input" | "environment_error", sentence: string): AlkorError =>
    new AlkorError(code, sentence, { reason, address: target.address, port: target.port, action });
  if (/RAKP 2 HMAC is invalid|RAKP \d message indicates an error : (unauthorized name|invalid password|invalid role)/.test(toolMessage)) {
    return failure("bad_credentials", "wrong_input", `Could not ${action}: ${bmc} refused user "${target.user}" or its password (check the BMC user and password).`);
  }
  if (/Address lookup for \S+ failed/.test(toolMessage)) {
    return failure("unreachable", "environment_error", `Could not ${action}: the BMC address "${target.address}" does not resolve.`);
  }
  if (/invalid authentication algorithm|invalid integrity algorithm|invalid confidentiality algorithm|no matching cipher suite/i.test(toolMessage)) {
    return failure("unsupported_cipher", "environment_error", `Could not ${action}: ${bmc} does not offer the requested IPMI cipher suite.`);
  }
  if (/Get Auth Capabilities error|Error issuing Get Channel Authentication Capabilities|No response from remote controller|Unable to establish IPMI v2 \/ RMCP\+ session|Command failed: ipmitool/.test(toolMessage)) {
    return failure("unreachable", "environment_error", `Could not ${action}: ${bmc} does not answer (is it on the network, and is IPMI over LAN enabled?).`);
  }
  const why = /Set Chassis Power Control to .* failed: (.*)/.exec(toolMessage)?.[1] ?? lastLine(toolMessage);
  return failure("refused", "environment_error", `Could not ${action}: ${bmc} refused: ${why}`);
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.trim() ?? "";
}
