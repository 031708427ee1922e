import { execFile } from "node:child_process";
import { AlkorError } from "../model/errors.js";

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
}

/**
 * Runs host tools. Commands are argument arrays, never shell strings;
 * a failure carries the tool's stderr so the operator sees why.
 */
export interface Exec {
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

const defaultTimeoutMs = 30_000;
const maxOutputBytes = 64 * 1024 * 1024;

export const processExec: Exec = {
  run(argv, options = {}) {
    const [command, ...args] = argv;
    if (command === undefined) {
      return Promise.reject(new AlkorError("wrong_input", "An empty command cannot be run."));
    }
    return new Promise((resolve, reject) => {
      execFile(
        command,
        args,
        {
          timeout: options.timeoutMs ?? defaultTimeoutMs,
          maxBuffer: maxOutputBytes,
          env: options.env ? { ...process.env, ...options.env } : process.env,
        },
        (error, stdout, stderr) => {
          if (error) {
            const why = stderr.trim() || error.message;
            reject(new AlkorError("environment_error", `Command ${argv.join(" ")} failed: ${why}`, { argv: [...argv] }));
            return;
          }
          resolve({ stdout, stderr });
        },
      );
    });
  },
};
