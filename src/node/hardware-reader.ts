import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import { collectInventory, type Inventory } from "../host/hw/inventory.js";
import { loadProfiles, matchProfile, type HardwareProfile, type ProfileFiles } from "../host/hw/profile.js";
import { summarizeHardware } from "../host/hw/summary.js";
import type { SystemInfoSource } from "../host/hw/systeminformation-source.js";
import { AlkorError } from "../model/errors.js";
import type { HardwareSummary } from "../model/hardware.js";

export interface HardwareReport {
  inventory: Inventory;
  profile: HardwareProfile;
  profileReason: string;
  summary: HardwareSummary;
}

export interface HardwareReaderOptions {
  systemInfo: SystemInfoSource;
  profileFiles: ProfileFiles;
  profilesDir: string;
  log: Logger;
  onReport: (report: HardwareReport) => void;
}

/**
 * Reads the node's hardware in the background: systeminformation needs about
 * a second (longer when many agents start at once), and the node should join
 * the mesh without waiting for it. Peers see its hardware when it is known.
 */
export class HardwareReader implements Service {
  readonly name = "hardware";
  private state: { kind: "reading" } | { kind: "read"; report: HardwareReport } | { kind: "failed"; reason: string } = { kind: "reading" };

  constructor(private readonly options: HardwareReaderOptions) {}

  /** The report once read; a coded error while reading (try again) or after a failure. */
  report(): HardwareReport {
    const { state } = this;
    if (state.kind === "read") return state.report;
    if (state.kind === "reading") throw new AlkorError("wrong_state", "This node is still reading its hardware; try again in a few seconds.");
    throw new AlkorError("environment_error", `Reading this node's hardware failed: ${state.reason}`);
  }

  async start(): Promise<void> {
    const { options } = this;
    this.read().then(
      (report) => {
        this.state = { kind: "read", report };
        options.log.info({ profile: report.profile.name, reason: report.profileReason }, `The hardware matches profile ${report.profile.name}.`);
        options.onReport(report);
      },
      (error: unknown) => {
        const reason = (error as Error).message;
        this.state = { kind: "failed", reason };
        options.log.error({ err: error }, `Reading this node's hardware failed: ${reason}`);
      },
    );
  }

  async stop(): Promise<void> {}

  private async read(): Promise<HardwareReport> {
    const { options } = this;
    const [inventory, profiles] = await Promise.all([
      collectInventory(options.systemInfo),
      loadProfiles(options.profilesDir, options.profileFiles),
    ]);
    const match = matchProfile(inventory, profiles);
    return { inventory, profile: match.profile, profileReason: match.reason, summary: summarizeHardware(inventory, match.profile) };
  }
}
