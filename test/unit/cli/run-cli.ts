import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built alkor-* command as a child process, without the ALKOR_*
 * settings of whoever runs the tests, in UTC so that printed times are the
 * same on every machine.
 */
export function runCommand(command: "alkor-node" | "alkor-cluster" | "alkor-job", args: string[], env: Record<string, string> = {}): Promise<Run> {
  const cli = fileURLToPath(new URL(`../../../src/cli/${command}.js`, import.meta.url));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("ALKOR_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...inherited, TZ: "UTC", ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** How long a test waits for a command it started to reach the agent: starting Node takes seconds on a loaded machine. */
export const COMMAND_DEADLINE = { timeoutMs: 60_000 };
