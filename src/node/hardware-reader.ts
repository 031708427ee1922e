import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock, Timer } from "../host/clock.js";
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
  /** Each call reads the hardware anew, so that a retry is a real second reading. */
  readSystemInfo: () => SystemInfoSource;
  profileFiles: ProfileFiles;
  profilesDir: string;
  clock: Clock;
  log: Logger;
  onReport: (report: HardwareReport) => void;
}

/** Waits between readings that failed in part: 5 s doubling up to 5 min, then the reader gives up. */
const firstRetryMs = 5_000;
const maxRetryMs = 300_000;
const maxAttempts = 8;

/**
 * Reads the node's hardware in the background: systeminformation needs about
 * a second (longer when many agents start at once), and the node should join
 * the mesh without waiting for it. Peers see its hardware when it is known.
 *
 * A reading in which some call failed (a tool timed out while a slow node
 * boots) is handed over as it is, its failures logged, and read again later:
 * a node must not stay on the wrong profile with zeros because of one bad
 * moment at boot.
 */
export class HardwareReader implements Service {
  readonly name = "hardware";
  private state: { kind: "reading" } | { kind: "read"; report: HardwareReport } | { kind: "failed"; reason: string } = { kind: "reading" };
  private retry: Timer | undefined;
  private stopped = false;

  constructor(private readonly options: HardwareReaderOptions) {}

  /** The report once read; a coded error while reading (try again) or after a failure. */
  report(): HardwareReport {
    const { state } = this;
    if (state.kind === "read") return state.report;
    if (state.kind === "reading") throw new AlkorError("wrong_state", "This node is still reading its hardware; try again in a few seconds.");
    throw new AlkorError("environment_error", `Reading this node's hardware failed: ${state.reason}`);
  }

  async start(): Promise<void> {
    this.attempt(1);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry?.cancel();
  }

  private attempt(number: number): void {
    const { options } = this;
    this.read().then(
      (report) => {
        if (this.stopped) return;
        const { warnings } = report.inventory;
        // A complete reading always wins; a partial one replaces only another partial one.
        if (warnings.length === 0 || this.state.kind !== "read") {
          this.state = { kind: "read", report };
          options.log.info({ profile: report.profile.name, reason: report.profileReason }, `The hardware matches profile ${report.profile.name}.`);
          options.onReport(report);
        }
        if (warnings.length > 0) this.readAgainLater(number, `${warnings.length} of its calls failed (${warnings.join("; ")})`);
      },
      (error: unknown) => {
        if (this.stopped) return;
        const reason = (error as Error).message;
        if (this.state.kind !== "read") this.state = { kind: "failed", reason };
        this.readAgainLater(number, reason);
      },
    );
  }

  private readAgainLater(attempt: number, reason: string): void {
    const { options } = this;
    if (attempt >= maxAttempts) {
      options.log.error({ attempt, reason }, `Reading this node's hardware failed ${attempt} times, the last because ${reason}; restart the agent to try again.`);
      return;
    }
    const delayMs = Math.min(firstRetryMs * 2 ** (attempt - 1), maxRetryMs);
    options.log.warn({ attempt, reason, retryInMs: delayMs }, `Reading this node's hardware failed: ${reason}. Reading it again in ${Math.round(delayMs / 1000)} s.`);
    this.retry = options.clock.after(delayMs, () => this.attempt(attempt + 1));
  }

  private async read(): Promise<HardwareReport> {
    const { options } = this;
    const [inventory, profiles] = await Promise.all([
      collectInventory(options.readSystemInfo()),
      loadProfiles(options.profilesDir, options.profileFiles),
    ]);
    const match = matchProfile(inventory, profiles);
    return { inventory, profile: match.profile, profileReason: match.reason, summary: summarizeHardware(inventory, match.profile) };
  }
}
