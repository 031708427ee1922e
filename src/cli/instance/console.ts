import { spawn } from "node:child_process";
import type { Command } from "commander";
import { instanceConsolePath, InstanceConsoleBodySchema, type InstanceConsoleBody } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { callerProcess, cliIo } from "../io.js";
import { runConsoleSession } from "./console-session.js";
import { instanceName } from "./names.js";

interface ConsoleOptions extends EndpointOptions {
  showCmd?: boolean;
}

/** An argument as a POSIX shell reads it back, for --show-cmd (Ganeti's ShellQuoteArgs). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * The command that reaches the console: on another node, this same command
 * run there over ssh (with a terminal, -t); on this node, socat on the
 * socket, as Ganeti's KVM console command is (what --show-cmd prints).
 */
export function consoleCommand(target: InstanceConsoleBody): string[] {
  if (!target.self) return ["ssh", "-t", `root@${target.node}`, "alkor-instance", "console", target.instance];
  return ["socat", "STDIO,raw,echo=0,escape=0x1d", `UNIX-CONNECT:${target.socketPath}`];
}

/** Refuses an instance whose serial console is off, saying how to turn it on. */
export function requireSerialConsole(target: InstanceConsoleBody): void {
  if (target.serialConsole) return;
  throw new AlkorError(
    "wrong_state",
    `Instance ${target.instance} has no serial console (its kvm parameter serial_console is false). Turn it on with alkor-instance modify -H serial_console=true ${target.instance} and restart the instance.`,
  );
}

/** Runs ssh with the terminal handed over, and returns its exit status. */
function runInteractive(argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: "inherit" });
    child.on("error", (error) => reject(new AlkorError("environment_error", `Cannot run ${argv[0]}: ${error.message}.`)));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export function addInstanceConsoleCommand(program: Command): void {
  const command = program
    .command("console")
    .description("connect to an instance's serial console; type ^] to leave")
    .argument("<instance>", "the instance's name")
    .option("--show-cmd", "print the command that reaches the console instead of running it");
  addEndpointOption(command).action(async (text: string, options: ConsoleOptions) => {
    const name = instanceName(text);
    const target = await getJson(endpointOf(options), instanceConsolePath(name), InstanceConsoleBodySchema);
    requireSerialConsole(target);
    const argv = consoleCommand(target);
    if (options.showCmd) {
      printLines([argv.map(shellQuote).join(" ")]);
      return;
    }
    // Only read so far, so the caller may still run it in its own process.
    const caller = callerProcess("connects the terminal to a console");
    if (!target.self) {
      const status = await runInteractive(argv);
      if (status !== 0) throw new AlkorError("environment_error", `Connection to the console of instance ${name} on ${target.node} failed (ssh exited with status ${status}).`);
      return;
    }
    const { writeErr } = cliIo();
    writeErr(`Connected to the console of ${name}; type ^] to leave.\n`);
    const end = await runConsoleSession(target.socketPath, caller.stdin, caller.stdout);
    // A paused stdin pipe still holds the process open; the session is over.
    caller.stdin.destroy();
    if (end === "closed") writeErr(`\nThe console of ${name} closed.\n`);
  });
}
