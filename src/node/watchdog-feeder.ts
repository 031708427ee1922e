import type { Logger } from "pino";
import type { Service } from "../agent/lifecycle.js";
import type { Clock, Timer } from "../host/clock.js";
import type { DurableFiles } from "../host/durable-file.js";
import type { WatchdogDevice } from "../host/watchdog/device.js";
import { AlkorError, asAlkorError } from "../model/errors.js";

export interface WatchdogFeederOptions {
  device: WatchdogDevice;
  feedIntervalMs: number;
  /**
   * Noted while the watchdog is armed, removed on a clean stop: a restarted
   * agent that finds it (from this boot) knows its predecessor died armed.
   */
  armedNotePath: string;
  files: DurableFiles;
  bootId: () => Promise<string>;
  pid: number;
  clock: Clock;
  log: Logger;
}

interface ArmedNote {
  bootId: string;
  pid: number;
  device: string;
  armedAt: number;
}

/**
 * Keeps the node's watchdog fed while the agent lives, so that an agent that
 * dies or hangs gets its node reset: what lets peers take over its work
 * once the watchdog's timeout has passed.
 *
 * - Feeds every `feedIntervalMs`, which must be under half the driver's
 *   timeout (one missed feed must not reset the node).
 * - A clean stop writes the magic 'V' before closing: a planned stop does
 *   not reset the node.
 * - SIGKILL or a crash leaves the device open without 'V': the timer runs out.
 *   systemd restarts the agent within seconds (Restart=on-failure), and a new
 *   agent feeding the same watchdog would cancel that reset, so an agent
 *   that finds its predecessor's armed note from this boot refuses to start:
 *   the node resets as promised, and the note of the old boot no longer counts.
 *
 * Started first and stopped last, so it covers the agent's whole life.
 */
export class WatchdogFeeder implements Service {
  readonly name = "watchdog";
  private timer: Timer | undefined;
  private feeding: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly options: WatchdogFeederOptions) {}

  async start(): Promise<void> {
    const { device, feedIntervalMs, log } = this.options;
    await this.refuseAfterUncleanEnd();
    const info = await device.info().catch(() => null);
    if (info?.timeoutSeconds != null && feedIntervalMs * 2 >= info.timeoutSeconds * 1000) {
      throw new AlkorError(
        "wrong_input",
        `watchdog.feedIntervalMs (${feedIntervalMs} ms) must be under half the timeout of ${device.path} (${info.timeoutSeconds} s), or one late feed resets the node; lower it, or raise the driver's timeout (i6300esb heartbeat=, softdog soft_margin=).`,
      );
    }
    await device.open();
    try {
      await device.keepAlive();
      await this.noteArmed();
    } catch (error) {
      await device.disarm().catch(() => undefined);
      throw error;
    }
    this.timer = this.options.clock.every(feedIntervalMs, () => void this.feed());
    const timeout = info?.timeoutSeconds != null ? `${info.timeoutSeconds} s` : "the driver's default (not shown in sysfs)";
    log.info(
      { device: device.path, identity: info?.identity, timeoutSeconds: info?.timeoutSeconds, feedIntervalMs },
      `Watchdog ${device.path}${info?.identity ? ` (${info.identity})` : ""} armed: fed every ${feedIntervalMs} ms, timeout ${timeout}.`,
    );
    if (info?.nowayout) log.warn({ device: device.path }, `Watchdog ${device.path} has nowayout set: even a clean stop of the agent will reset this node.`);
  }

  async stop(): Promise<void> {
    const { device, files, armedNotePath, log } = this.options;
    if (this.timer === undefined) return;
    this.timer.cancel();
    this.timer = undefined;
    await this.feeding;
    // The note goes first: a crash between the two steps leaves an armed watchdog
    // that the next agent feeds, never a note that blocks a node nothing will reset.
    await files.remove(armedNotePath);
    await device.disarm();
    log.info({ device: device.path }, `Watchdog ${device.path} disarmed (magic close).`);
  }

  private async feed(): Promise<void> {
    if (this.feeding !== undefined) return;
    const { device, log } = this.options;
    this.feeding = device.keepAlive().then(
      () => {
        if (this.failing) log.info({ device: device.path }, `Feeding watchdog ${device.path} works again.`);
        this.failing = false;
      },
      (error: unknown) => {
        // Logged once per run of failures; if they go on, the node resets, which is the point.
        if (!this.failing) log.error({ err: error, device: device.path }, `Feeding watchdog ${device.path} failed: ${asAlkorError(error).message}`);
        this.failing = true;
      },
    );
    await this.feeding;
    this.feeding = undefined;
  }

  private async refuseAfterUncleanEnd(): Promise<void> {
    const { files, armedNotePath, bootId } = this.options;
    const text = await files.readIfExists(armedNotePath);
    if (text === undefined) return;
    let note: Partial<ArmedNote> = {};
    try {
      note = JSON.parse(text) as Partial<ArmedNote>;
    } catch {
      // A torn note is treated as none: the write that tore it did not finish arming either.
      return;
    }
    if (note.bootId !== (await bootId())) return;
    throw new AlkorError(
      "wrong_state",
      `The previous agent (pid ${note.pid ?? "?"}) ended without disarming watchdog ${note.device ?? "?"}; it keeps running and will reset this node, as peers expect of a node whose agent died. The agent starts again after the reset. (Only if this node must not be reset, and nothing on it needs fencing, remove ${armedNotePath}.)`,
      { armedNotePath },
    );
  }

  private async noteArmed(): Promise<void> {
    const { files, armedNotePath, bootId, pid, device, clock } = this.options;
    const note: ArmedNote = { bootId: await bootId(), pid, device: device.path, armedAt: clock.now() };
    await files.writeDurably(armedNotePath, `${JSON.stringify(note)}\n`);
  }
}
