import type { Logger } from "pino";
import type { Clock, Timer } from "../host/clock.js";
import type { Exec } from "../host/exec.js";
import { AlkorError } from "../model/errors.js";
import type { Service } from "./lifecycle.js";

/** Delivers one sd_notify message (KEY=VALUE lines) to the service manager's socket. */
export interface NotifySender {
  send(socket: string, message: string): Promise<void>;
}

/** systemd-notify waits up to 5 s for systemd to take the message (its barrier); a little more here. */
const notifyToolTimeoutMs = 10_000;

/**
 * Sends through systemd's own systemd-notify tool, because Node has no unix
 * datagram sockets. The tool speaks every NOTIFY_SOCKET form its systemd
 * knows (paths, "@" abstract names). Since systemd 246 it waits until systemd
 * has processed the message (sd_notify_barrier), so the message is attributed
 * to our unit even though the sender is a child: the unit needs NotifyAccess=all.
 */
export function systemdNotifyTool(exec: Exec): NotifySender {
  return {
    async send(socket, message) {
      await exec.run(["systemd-notify", ...message.split("\n")], {
        env: { NOTIFY_SOCKET: socket },
        timeoutMs: notifyToolTimeoutMs,
      });
    },
  };
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * How often to ping the watchdog: half of WATCHDOG_USEC, as sd_watchdog_enabled(3)
 * advises, or undefined when there is no watchdog or it belongs to another
 * process (WATCHDOG_PID set to a pid that is not ours).
 */
export function watchdogIntervalMs(env: Environment, pid: number): number | undefined {
  const usec = env.WATCHDOG_USEC;
  if (usec === undefined || usec === "") return undefined;
  if (!/^\d+$/.test(usec) || Number(usec) === 0) {
    throw new AlkorError("wrong_input", `WATCHDOG_USEC must be a positive number of microseconds, not "${usec}".`);
  }
  const owner = env.WATCHDOG_PID;
  if (owner !== undefined && owner !== "" && Number(owner) !== pid) return undefined;
  return Math.max(1, Math.floor(Number(usec) / 2000));
}

export interface SystemdNotifierContext {
  env: Environment;
  pid: number;
  clock: Clock;
  sender: NotifySender;
  log: Logger;
}

/**
 * systemd Type=notify support. Put it last in the ServiceGroup: its start()
 * runs when every other service is up (READY=1, then watchdog pings), and its
 * stop() runs first (STOPPING=1). Without NOTIFY_SOCKET it does nothing at all.
 */
export class SystemdNotifier implements Service {
  readonly name = "systemd-notify";
  private readonly socket: string | undefined;
  private watchdog: Timer | undefined;
  private watchdogPingPending = false;
  /** Messages go out one at a time, so systemd sees them in the order they were made. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly context: SystemdNotifierContext) {
    this.socket = context.env.NOTIFY_SOCKET || undefined;
  }

  async start(): Promise<void> {
    if (this.socket === undefined) return;
    const intervalMs = watchdogIntervalMs(this.context.env, this.context.pid);
    await this.notify(["READY=1", "STATUS=Running."]);
    if (intervalMs !== undefined) {
      this.watchdog = this.context.clock.every(intervalMs, () => this.pingWatchdog());
      this.context.log.debug({ intervalMs }, "Pinging the systemd watchdog.");
    }
  }

  async stop(): Promise<void> {
    this.watchdog?.cancel();
    this.watchdog = undefined;
    await this.notify(["STOPPING=1", "STATUS=Stopping."]);
  }

  /** The one-line text `systemctl status` shows for the service. */
  status(text: string): Promise<void> {
    // A newline would start another KEY=VALUE line of the message.
    return this.notify([`STATUS=${text.replace(/[\r\n]+/g, " ")}`]);
  }

  private pingWatchdog(): void {
    // A ping still waiting on a slow systemd already proves we are alive; do not pile them up.
    if (this.watchdogPingPending) return;
    this.watchdogPingPending = true;
    void this.notify(["WATCHDOG=1"]).finally(() => {
      this.watchdogPingPending = false;
    });
  }

  /** Never rejects: a lost notification is logged, and systemd's own timeouts decide what follows. */
  private notify(lines: readonly string[]): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    const message = lines.join("\n");
    const sent = this.queue
      .then(() => this.context.sender.send(socket, message))
      .catch((error: unknown) => {
        this.context.log.error({ err: error, message }, `Could not notify systemd (${lines[0]}).`);
      });
    this.queue = sent;
    return sent;
  }
}
