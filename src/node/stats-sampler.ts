import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock, Timer } from "../host/clock.js";
import type { NodeStats, NodeStatsSource } from "../host/node-stats.js";

/**
 * Keeps a recent sample of this node's changing figures, so heartbeats and
 * the CLI read them without touching the host on their own path.
 */
export class StatsSampler implements Service {
  readonly name = "stats";
  private latest: NodeStats = { memoryTotalBytes: 0, memoryFreeBytes: 0, diskTotalBytes: 0, diskFreeBytes: 0 };
  private timer: Timer | undefined;

  constructor(
    private readonly source: NodeStatsSource,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  current(): NodeStats {
    return this.latest;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = this.clock.every(this.intervalMs, () => void this.refresh());
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    try {
      this.latest = await this.source.sample();
    } catch (error) {
      this.log.warn({ err: error }, "Sampling this node's memory and disk failed; the previous figures are kept.");
    }
  }
}
