import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";

/** A process the lab started, as /proc shows it. */
export interface LabProcess {
  pid: number;
  argv: string[];
}

const labPrograms = new Set(["qemu-system-x86_64", "ipmi_sim"]);

/**
 * Every qemu and ipmi_sim whose command line names a path under `labDir`:
 * the lab's processes, also those whose namespace name or state file is
 * already gone (a process keeps an unnamed namespace alive).
 */
export async function labProcesses(labDir: string): Promise<LabProcess[]> {
  const found: LabProcess[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await commandLineOf(Number(entry));
    if (argv === null || argv.length === 0) continue;
    if (labPrograms.has(basename(argv[0]!)) && argv.some((word) => word.includes(labDir))) found.push({ pid: Number(entry), argv });
  }
  return found;
}

/** The argv of a live process, or null when it has ended (or is a kernel thread). */
export async function commandLineOf(pid: number): Promise<string[] | null> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return raw === "" ? null : raw.replace(/\0$/, "").split("\0");
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function killQuietly(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // Ended between the listing and the kill.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Starts a long-lived program in the lab's namespace, detached from this
 * process (the runner exits, the lab goes on), output appended to `logFile`.
 * `ip netns exec` execs the program itself, so the pid is the program's.
 */
export function spawnInNamespace(namespace: string, argv: readonly string[], logFile: string): number {
  const log = openSync(logFile, "a");
  try {
    const child = spawn("ip", ["netns", "exec", namespace, ...argv], { detached: true, stdio: ["ignore", log, log] });
    child.unref();
    if (child.pid === undefined) throw new Error(`Could not start ${argv[0]} in namespace ${namespace}.`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}
