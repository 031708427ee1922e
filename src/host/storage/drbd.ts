import type { Exec, ExecOptions } from "../exec.js";
import { AlkorError } from "../../model/errors.js";
import { drbdConfigDir, renderResourceFile, resourceFilePath, type DrbdResource } from "./drbd-resource.js";
import { parseProcDrbd, type DrbdStatus, type ProcDrbd } from "./drbd-status.js";
import { checkResourceName } from "./names.js";
import { toolSaid } from "./tool-output.js";

const cLocale: ExecOptions = { env: { LC_ALL: "C" } };
// create-md writes the metadata area and up attaches and connects: seconds under TCG emulation.
const slowOptions: ExecOptions = { env: { LC_ALL: "C" }, timeoutMs: 120_000 };

/**
 * Writes a file through Exec, so that the adapter works wherever its Exec
 * runs the tools (this host, or a lab guest). The text travels as an
 * argument ($1), never as shell code; it is written beside the target and
 * renamed over it, so drbdadm never reads half a file.
 */
const writeFileScript = 'umask 022 && printf "%s" "$1" > "$2.alkor-new" && mv -f "$2.alkor-new" "$2"';

/**
 * DRBD 8.4 through drbd-utils' drbdadm, which hands an 8.4 kernel module to
 * its bundled drbdadm-84/drbdsetup-84 (LAB-NOTES). Status comes from
 * /proc/drbd, DRBD 8.4's own status interface.
 */
export class Drbd {
  constructor(
    private readonly exec: Exec,
    private readonly configDir = drbdConfigDir,
  ) {}

  /** Writes /etc/drbd.d/NAME.res; the same file goes on both nodes. */
  async writeResource(resource: DrbdResource): Promise<void> {
    const path = resourceFilePath(resource.name, this.configDir);
    await this.exec.run(["sh", "-c", writeFileScript, "sh", renderResourceFile(resource), path], cLocale);
  }

  async removeResourceFile(name: string): Promise<void> {
    await this.exec.run(["rm", "-f", resourceFilePath(name, this.configDir)], cLocale);
  }

  /** `drbdadm create-md --force`: internal metadata on the backing disk; --force answers drbdmeta's questions. */
  async createMetadata(name: string): Promise<void> {
    await this.drbdadm(["create-md", "--force", name], slowOptions);
  }

  /** `drbdadm up`: attach the backing disk and connect to the peer. */
  async up(name: string): Promise<void> {
    await this.drbdadm(["up", name], slowOptions);
  }

  /** `drbdadm down`: disconnect and detach. */
  async down(name: string): Promise<void> {
    await this.drbdadm(["down", name], slowOptions);
  }

  /** `drbdadm primary`; the peer must not be primary too (no dual-primary here). */
  async primary(name: string): Promise<void> {
    await this.drbdadm(["primary", name], cLocale);
  }

  /**
   * `drbdadm primary --force`: declares this node's data good although it is
   * not UpToDate, which starts the initial full sync towards the peer (DRBD
   * 8.4 User's Guide, "The initial device synchronization"). Only for a new
   * resource: on one with data it throws the peer's newer writes away.
   */
  async forcePrimary(name: string): Promise<void> {
    await this.drbdadm(["primary", "--force", name], cLocale);
  }

  async secondary(name: string): Promise<void> {
    await this.drbdadm(["secondary", name], cLocale);
  }

  /** Every minor in /proc/drbd; an environment_error saying so when the DRBD module is not loaded. */
  async procDrbd(): Promise<ProcDrbd> {
    try {
      const { stdout } = await this.exec.run(["cat", "/proc/drbd"], cLocale);
      return parseProcDrbd(stdout);
    } catch (error) {
      if (toolSaid(error, /No such file or directory/)) {
        throw new AlkorError("environment_error", "The DRBD kernel module is not loaded (there is no /proc/drbd).");
      }
      throw error;
    }
  }

  /** The state of one minor; null when the minor is not configured at all. */
  async status(minor: number): Promise<DrbdStatus | null> {
    const { devices } = await this.procDrbd();
    const device = devices.find((candidate) => candidate.minor === minor);
    return device === undefined || device.connectionState === "Unconfigured" ? null : device;
  }

  private async drbdadm(args: readonly string[], options: ExecOptions): Promise<void> {
    const name = args.at(-1)!;
    checkResourceName("DRBD resource", name);
    await this.exec.run(["drbdadm", ...args], options);
  }
}
