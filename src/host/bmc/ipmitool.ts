import type { Exec } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import type { Bmc, BmcTarget, PowerState } from "./bmc.js";
import { describeIpmitoolFailure, parsePowerStatus } from "./ipmitool-output.js";

export interface IpmitoolOptions {
  /**
   * IPMI 2.0 cipher suite; 3 (HMAC-SHA1, AES-CBC-128) is the one every BMC
   * offers. Always given: without -C, ipmitool probes suites first, which
   * costs about 10 s per call (LAB-NOTES).
   */
  cipherSuite?: number;
  /** Seconds ipmitool waits for each answer (-N). */
  answerTimeoutSeconds?: number;
  /** How often it resends before giving up (-R). */
  retries?: number;
}

/**
 * A BMC reached over IPMI LAN by ipmitool. The password goes to ipmitool in
 * its environment (-E reads IPMI_PASSWORD), never in its arguments, which
 * every user on the host can read in `ps`.
 */
export class IpmitoolBmc implements Bmc {
  private readonly options: Required<IpmitoolOptions>;

  constructor(
    private readonly exec: Exec,
    private readonly target: BmcTarget,
    options: IpmitoolOptions = {},
  ) {
    this.options = { cipherSuite: 3, answerTimeoutSeconds: 1, retries: 2, ...options };
    checkTarget(target);
  }

  async powerStatus(): Promise<PowerState> {
    return parsePowerStatus(await this.chassisPower("status", "read the power state"));
  }

  async powerOn(): Promise<void> {
    await this.chassisPower("on", "power the node on");
  }

  async powerOff(): Promise<void> {
    await this.chassisPower("off", "power the node off");
  }

  async powerReset(): Promise<void> {
    await this.chassisPower("reset", "reset the node");
  }

  async powerCycle(): Promise<void> {
    await this.chassisPower("cycle", "power-cycle the node");
  }

  private async chassisPower(command: "status" | "on" | "off" | "reset" | "cycle", action: string): Promise<string> {
    const { target, options } = this;
    const argv = [
      "ipmitool",
      // -v: only its lines tell a wrong password from an unreachable BMC; they go to stderr.
      "-v",
      "-I",
      "lanplus",
      "-C",
      String(options.cipherSuite),
      "-H",
      target.address,
      "-p",
      String(target.port),
      "-U",
      target.user,
      "-E",
      "-N",
      String(options.answerTimeoutSeconds),
      "-R",
      String(options.retries),
      "chassis",
      "power",
      command,
    ];
    // A session costs a few round trips, each retried -R times -N seconds apart; leave room beyond that.
    const timeoutMs = 5_000 + 4 * options.retries * options.answerTimeoutSeconds * 1000;
    try {
      const { stdout } = await this.exec.run(argv, { env: { IPMI_PASSWORD: target.password, LC_ALL: "C" }, timeoutMs });
      return stdout;
    } catch (error) {
      if (error instanceof AlkorError && error.code === "environment_error") throw describeIpmitoolFailure(target, action, error.message);
      throw error;
    }
  }
}

function checkTarget(target: BmcTarget): void {
  // Anything after -H or -U that starts with "-" would be read as another option.
  if (!/^[a-zA-Z0-9][a-zA-Z0-9.:-]*$/.test(target.address)) {
    throw new AlkorError("wrong_input", `"${target.address}" is not a BMC address (a host name or an IP address).`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new AlkorError("wrong_input", `BMC port ${target.port} must be from 1 to 65535.`);
  }
  if (target.user === "" || target.user.startsWith("-") || target.user.length > 16) {
    // IPMI 2.0 user names are at most 16 bytes (IPMI 2.0 §22.28).
    throw new AlkorError("wrong_input", `"${target.user}" is not an IPMI user name (1 to 16 characters, not starting with -).`);
  }
  if (target.password.length > 20) {
    // IPMI 2.0 passwords are at most 20 bytes (§22.30).
    throw new AlkorError("wrong_input", "The BMC password is longer than IPMI's 20 bytes.");
  }
}
