import { AsyncLocalStorage } from "node:async_hooks";
import { isatty } from "node:tty";

/**
 * What a command may use of the process that called it. A command run by
 * its own Node process has all of it; one the agent runs for the thin
 * client (cli-service.ts) has none, and asks to be run locally instead.
 */
export interface CallerProcess {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Relative paths on the command line are the caller's. */
  cwd: string;
}

/** Where a command's output goes, and what it knows of its caller. */
export interface CliIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a person could answer a question (Ganeti asks only then). */
  stdinIsTTY: boolean;
  caller: CallerProcess | undefined;
  /**
   * Aborted when the caller has gone (^C on the thin client closes its
   * connection): the command's requests to the agent stop, so that it ends
   * as it would have in its own process, leaving its job to run.
   */
  signal?: AbortSignal;
}

/**
 * The command needs its caller's terminal, standard input or files. Thrown
 * before the command has done anything, so that running it again in the
 * caller's own process is safe.
 */
export class RunLocally extends Error {
  override readonly name = "RunLocally";
}

const current = new AsyncLocalStorage<CliIo>();

/** The io of a command run by its own process. */
export function processIo(): CliIo {
  return {
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    env: process.env,
    stdinIsTTY: isatty(0),
    caller: {
      // Made on first use: an opened stdin pipe can hold the process open.
      get stdin() {
        return process.stdin;
      },
      stdout: process.stdout,
      cwd: process.cwd(),
    },
  };
}

/** Runs a command with its io; every await inside sees it through cliIo(). */
export function runWithIo<T>(io: CliIo, run: () => T): T {
  return current.run(io, run);
}

/** The io of the command running now; its own process's outside runWithIo (tests of single helpers). */
export function cliIo(): CliIo {
  return current.getStore() ?? processIo();
}

/** The caller's own process, for a command that needs it; `what` says why, for the log. */
export function callerProcess(what: string): CallerProcess {
  const caller = cliIo().caller;
  if (caller === undefined) throw new RunLocally(`This command ${what}.`);
  return caller;
}
