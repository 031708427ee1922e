/** What the kernel's watchdog core shows in /sys/class/watchdog/watchdogN (CONFIG_WATCHDOG_SYSFS). */
export interface WatchdogInfo {
  /** The driver's name for the timer, e.g. "i6300ESB timer" or "Software Watchdog". */
  identity: string;
  /** Seconds without a write before the reset; null when not shown. */
  timeoutSeconds: number | null;
  /** Closing never stops this watchdog (the driver's nowayout parameter or CONFIG_WATCHDOG_NOWAYOUT). */
  nowayout: boolean | null;
}

/**
 * The sysfs directory of a watchdog device node: /dev/watchdogN is
 * watchdogN; the legacy /dev/watchdog is the first one, watchdog0.
 */
export function sysfsDirOf(devicePath: string): string | null {
  if (devicePath === "/dev/watchdog") return "/sys/class/watchdog/watchdog0";
  const match = /^\/dev\/(watchdog\d+)$/.exec(devicePath);
  return match === null ? null : `/sys/class/watchdog/${match[1]}`;
}

/** The attribute files' contents (undefined where a file is missing). */
export function parseWatchdogSysfs(files: { identity?: string | undefined; timeout?: string | undefined; nowayout?: string | undefined }): WatchdogInfo {
  const timeout = files.timeout?.trim();
  const nowayout = files.nowayout?.trim();
  return {
    identity: files.identity?.trim() ?? "",
    timeoutSeconds: timeout !== undefined && /^\d+$/.test(timeout) ? Number(timeout) : null,
    nowayout: nowayout === "1" ? true : nowayout === "0" ? false : null,
  };
}
