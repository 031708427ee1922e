import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { AlkorError } from "../../model/errors.js";
import type { OsDefinition, OsScriptName } from "./os-definition.js";
import type { OsScriptRunner } from "./os-script-runner.js";

/**
 * How long a script may run. create and import write whole disks, and export
 * reads one, so they get an hour; rename and verify only look at things.
 */
export const osScriptTimeoutsMs: Readonly<Record<OsScriptName, number>> = {
  create: 60 * 60_000,
  import: 60 * 60_000,
  export: 60 * 60_000,
  rename: 5 * 60_000,
  verify: 5 * 60_000,
};

/**
 * A log file name as Ganeti makes them (backend._InstanceLogName):
 * `<kind>-<os>-<instance>-<time>.log`, e.g. add-alkor-image+image-web1-2025-01-31_12_00_00.log,
 * the time in UTC. The caller puts it in its OS log directory.
 */
export function osLogFileName(kind: "add" | "import" | "export" | "rename" | "verify", osName: string, instanceName: string, at: Date): string {
  const time = at.toISOString().slice(0, 19).replace("T", "_").replaceAll(":", "_");
  // Names are checked elsewhere; a slash here would still make another path.
  return `${kind}-${osName}-${instanceName}-${time}.log`.replaceAll("/", "_");
}

export interface OsScriptRequest {
  os: OsDefinition;
  script: OsScriptName;
  instanceName: string;
  /** From osEnvironment(). */
  env: Record<string, string>;
  /** Chosen by the caller, e.g. /var/log/alkor/os/add-<os>-<instance>-<time>.log as Ganeti keeps them. */
  logPath: string;
  stdin?: Readable;
  stdout?: Writable;
  timeoutMs?: number;
}

/**
 * Runs one script of an OS definition for an instance. A script that fails
 * is an environment_error naming the instance and showing the last lines it
 * logged, as Ganeti's "OS create script failed ..., last lines in the log file".
 */
export async function runOsScript(runner: OsScriptRunner, request: OsScriptRequest): Promise<{ lastLines: string[] }> {
  const { os, script, instanceName, logPath } = request;
  if (!os.valid) {
    throw new AlkorError("environment_error", `OS ${os.name} at ${os.path} is not usable on this node: ${os.problems.join("; ")}.`, { problems: os.problems });
  }
  const timeoutMs = request.timeoutMs ?? osScriptTimeoutsMs[script];
  // API 20: verify takes the checks to make as arguments; "parameters" is the only one.
  const argv = script === "verify" ? [join(os.path, script), "parameters"] : [join(os.path, script)];
  const outcome = await runner.run({
    argv,
    env: request.env,
    cwd: os.path,
    timeoutMs,
    logPath,
    ...(request.stdin ? { stdin: request.stdin } : {}),
    ...(request.stdout ? { stdout: request.stdout } : {}),
  });
  if (outcome.exitCode === 0 && !outcome.timedOut) return { lastLines: outcome.lastLines };

  const how = outcome.timedOut
    ? `timed out after ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`
    : outcome.exitCode !== null
      ? `exit status ${outcome.exitCode}`
      : `killed by ${outcome.signal ?? "a signal"}`;
  const lines = outcome.lastLines.length > 0 ? `:\n${outcome.lastLines.join("\n")}` : " (it printed nothing)";
  throw new AlkorError("environment_error", `OS ${script} script for instance ${instanceName} failed (${os.name}, ${how}; log ${logPath})${lines}`, {
    instance: instanceName,
    os: os.name,
    script,
    logPath,
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    lastLines: outcome.lastLines,
  });
}
