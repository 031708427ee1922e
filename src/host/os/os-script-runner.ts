import { spawn } from "node:child_process";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable, Writable } from "node:stream";
import { AlkorError } from "../../model/errors.js";

export interface OsScriptRun {
  argv: readonly string[];
  /** The whole environment: nothing of the agent's own is passed on. */
  env: Record<string, string>;
  /** The working directory (Ganeti runs scripts in the OS directory). */
  cwd: string;
  timeoutMs: number;
  /** The script's output is appended here as it comes. */
  logPath: string;
  /** import: the data to read on standard input; without it, stdin is /dev/null. */
  stdin?: Readable;
  /** export: where standard output goes (the data); without it, stdout goes to the log too. */
  stdout?: Writable;
}

export interface OsScriptOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last lines the script logged, for the error an operator sees. */
  lastLines: string[];
}

/** Runs one OS script to its end, streaming its output into a log file (Exec buffers it, and scripts may write a lot). */
export interface OsScriptRunner {
  run(run: OsScriptRun): Promise<OsScriptOutcome>;
}

const lastLineCount = 20;
const tailBytes = 16 * 1024;
const maxLineLength = 400;

/**
 * The real runner on child_process.spawn. The script leads a process group of
 * its own, so a timeout reaches whatever it started (qemu-img, dd): SIGTERM to
 * the group, then SIGKILL after a grace period.
 */
export class SpawnOsScriptRunner implements OsScriptRunner {
  constructor(private readonly options: { killGraceMs?: number } = {}) {}

  async run(run: OsScriptRun): Promise<OsScriptOutcome> {
    const [command, ...args] = run.argv;
    if (command === undefined) throw new AlkorError("wrong_input", "An empty command cannot be run.");
    let log;
    try {
      await mkdir(dirname(run.logPath), { recursive: true, mode: 0o750 });
      log = await open(run.logPath, "a", 0o640);
    } catch (error) {
      throw new AlkorError("environment_error", `Could not open the OS log file ${run.logPath}: ${(error as Error).message}.`, { path: run.logPath });
    }
    const logStream = log.createWriteStream();
    // A log that cannot be written (a full disk) must not take the agent down;
    // the script still runs, and its last lines still reach the caller.
    logStream.on("error", () => undefined);
    try {
      return await this.spawnAndWait(command, args, run, logStream);
    } finally {
      await new Promise<void>((resolve) => logStream.end(resolve));
    }
  }

  private spawnAndWait(command: string, args: string[], run: OsScriptRun, log: Writable): Promise<OsScriptOutcome> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: run.cwd,
        env: run.env,
        detached: true,
        stdio: [run.stdin ? "pipe" : "ignore", "pipe", "pipe"],
      });
      const { stdout, stderr } = child;
      // Both are pipes by the stdio above; the check only tells the type checker so.
      if (stdout === null || stderr === null) throw new AlkorError("internal_error", "The OS script's output pipes were not created.");
      let tail = "";
      const keep = (chunk: Buffer) => {
        log.write(chunk);
        tail = (tail + chunk.toString("utf8")).slice(-tailBytes);
      };
      stderr.on("data", keep);
      if (run.stdout) stdout.pipe(run.stdout, { end: false });
      else stdout.on("data", keep);
      if (run.stdin && child.stdin) {
        // A script that exits without reading all of it closes the pipe: not an error of ours.
        child.stdin.on("error", () => undefined);
        run.stdin.pipe(child.stdin);
      }

      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;
      const killGroup = (signal: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, signal);
        } catch {
          // The group is gone already.
        }
      };
      const timeoutTimer = setTimeout(() => {
        timedOut = true;
        killGroup("SIGTERM");
        killTimer = setTimeout(() => killGroup("SIGKILL"), this.options.killGraceMs ?? 5_000);
      }, run.timeoutMs);
      const stopTimers = () => {
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
      };

      child.on("error", (error) => {
        stopTimers();
        reject(new AlkorError("environment_error", `Could not run ${run.argv.join(" ")}: ${error.message}.`, { argv: [...run.argv] }));
      });
      // "close": the script has exited and every pipe of its output is drained.
      child.on("close", (exitCode, signal) => {
        stopTimers();
        if (run.stdin) run.stdin.unpipe();
        resolve({ exitCode, signal, timedOut, lastLines: lastLines(tail) });
      });
    });
  }
}

function lastLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .slice(-lastLineCount)
    .map((line) => (line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line));
}
