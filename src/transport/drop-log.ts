import type { Logger } from "pino";
import type { Clock } from "../host/clock.js";

/**
 * Logs dropped input without letting a flood flood the log too: the first drop
 * of a kind is logged at once, later ones are counted and summarised at most
 * once per window. Kinds must come from a small fixed set (never from a
 * peer's client id or topic), or a flood of new names would grow the map.
 */
export class DropLog {
  private readonly windows = new Map<string, { startedAt: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly windowMs = 10_000,
  ) {}

  drop(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = this.clock.monotonic();
    const window = this.windows.get(kind);
    if (window && now - window.startedAt < this.windowMs) {
      window.suppressed += 1;
      return;
    }
    const suppressed = window?.suppressed ?? 0;
    this.windows.set(kind, { startedAt: now, suppressed: 0 });
    this.log.warn({ ...fields, drop: kind, suppressedSinceLast: suppressed }, message);
  }
}
