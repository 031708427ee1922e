import { constants } from "node:fs";
import { open, readFile, type FileHandle } from "node:fs/promises";
import { AlkorError } from "../../model/errors.js";
import { parseWatchdogSysfs, sysfsDirOf, type WatchdogInfo } from "./sysfs.js";

/**
 * A Linux watchdog device (Documentation/watchdog/watchdog-api.rst): opening
 * it starts the timer, every write restarts it, and if it runs out the
 * hardware (or softdog) resets the machine. Closing it stops the timer only
 * after the magic character 'V' was written, and only if the driver was not
 * loaded with nowayout: a process that dies leaves it running.
 */
export interface WatchdogDevice {
  readonly path: string;
  /** What sysfs says about the device; null when it has no sysfs entry. */
  info(): Promise<WatchdogInfo | null>;
  /** Opens the device, which arms the watchdog. */
  open(): Promise<void>;
  /** Restarts the timer. */
  keepAlive(): Promise<void>;
  /** Magic close: writes 'V', then closes, so a planned stop does not reset the node. */
  disarm(): Promise<void>;
}

/**
 * The device file itself. Node has no ioctl, so WDIOC_SETTIMEOUT is out of
 * reach: the timeout is the driver's (i6300esb: 30 s, its `heartbeat`
 * parameter; softdog: 60 s, `soft_margin`), set on the kernel command line or
 * in modprobe.d, and read here from sysfs to check the feed interval.
 */
export function fileWatchdogDevice(path: string): WatchdogDevice {
  let handle: FileHandle | undefined;
  return {
    path,
    async info() {
      const dir = sysfsDirOf(path);
      if (dir === null) return null;
      const read = (name: string): Promise<string | undefined> => readFile(`${dir}/${name}`, "utf8").catch(() => undefined);
      const [identity, timeout, nowayout] = await Promise.all([read("identity"), read("timeout"), read("nowayout")]);
      if (identity === undefined && timeout === undefined) return null;
      return parseWatchdogSysfs({ identity, timeout, nowayout });
    },
    async open() {
      if (handle !== undefined) return;
      try {
        // O_WRONLY without O_CREAT: a missing device must not become a regular file.
        handle = await open(path, constants.O_WRONLY);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === "ENOENT"
            ? "it does not exist (no watchdog driver loaded? softdog is one)"
            : code === "EBUSY"
              ? "another process holds it (only one may: is systemd's RuntimeWatchdogSec or a watchdog daemon using it?)"
              : (error as Error).message;
        throw new AlkorError("environment_error", `Cannot open the watchdog ${path}: ${why}.`, { path });
      }
    },
    async keepAlive() {
      if (handle === undefined) throw new AlkorError("wrong_state", `The watchdog ${path} is not open.`);
      // Any byte but 'V' (which would announce a close) restarts the timer.
      await handle.write(Buffer.from([0]));
    },
    async disarm() {
      if (handle === undefined) return;
      const open = handle;
      handle = undefined;
      try {
        await open.write(Buffer.from("V"));
      } finally {
        await open.close();
      }
    },
  };
}

/** This boot's id (a new random UUID at every boot), so that a note left by the previous boot is not taken for this one's. */
export async function readBootId(): Promise<string> {
  return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
}
