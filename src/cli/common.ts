import { Command, CommanderError, Option } from "commander";
import { AlkorError } from "../model/errors.js";
import { DEFAULT_ENDPOINT, ENDPOINT_ENV, resolveEndpoint, type Endpoint } from "./endpoint.js";
import { cliIo, processIo, RunLocally, runWithIo, type CliIo } from "./io.js";
import { selectColumns, UNITS, type Column, type Units } from "./table.js";

/** A mistake in how a command was called: exit status 2, like commander's own usage errors. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface EndpointOptions {
  endpoint?: string;
}

/** The options every list command shares with Ganeti's: -o, --no-headers, --separator, --units, plus --json. */
export interface ListOptions extends EndpointOptions {
  output?: string;
  headers: boolean;
  separator?: string;
  units?: Units;
  json?: boolean;
}

/**
 * A program whose errors come back to runCli instead of exiting, so that
 * exit statuses are decided in one place, and whose help and usage errors go
 * to the running command's io. Subcommands made with program.command()
 * inherit both.
 */
export function createProgram(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .configureOutput({ writeOut: (text) => cliIo().writeOut(text), writeErr: (text) => cliIo().writeErr(text) });
}

export function addEndpointOption(command: Command): Command {
  return command.option(
    "--endpoint <endpoint>",
    `the agent's control API: unix:/path or http://host:port (default: $${ENDPOINT_ENV}, else ${DEFAULT_ENDPOINT})`,
  );
}

export function addJsonOption(command: Command): Command {
  return command.option("--json", "print the agent's answer as JSON");
}

export function addListOptions<Row>(command: Command, columns: readonly Column<Row>[], defaults: readonly string[]): Command {
  const fields = columns.map((column) => column.name).join(", ");
  return addJsonOption(addEndpointOption(command))
    .option("-o, --output <fields>", `comma-separated fields to show, or +FIELDS to add to the defaults (${defaults.join(",")}); one of: ${fields}`)
    .option("--no-headers", "do not print the header line")
    .option("--separator <sep>", "separate fields with SEP instead of aligning them")
    .addOption(new Option("--units <unit>", "units of sizes; h picks M, G or T per value").choices(UNITS));
}

export function endpointOf(options: EndpointOptions): Endpoint {
  return asUsage(() => resolveEndpoint(options.endpoint, cliIo().env));
}

export function columnsOf<Row>(columns: readonly Column<Row>[], defaults: readonly string[], options: ListOptions): Column<Row>[] {
  return asUsage(() => selectColumns(columns, defaults, options.output));
}

/** A bad value on the command line is the caller's mistake, not a failure of the cluster. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AlkorError && error.code === "wrong_input") throw new UsageError(error.message);
    throw error;
  }
}

export function printLines(lines: readonly string[]): void {
  if (lines.length > 0) cliIo().writeOut(`${lines.join("\n")}\n`);
}

export function printJson(value: unknown): void {
  cliIo().writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a command in its own process: its output on stdout and stderr, its exit status the process's. */
export async function runCliProcess(program: Command): Promise<void> {
  // A reader that stops early (alkor-node list | head) is not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") process.stderr.write(`Cannot write the output: ${error.message}\n`);
    process.exit(error.code === "EPIPE" ? 0 : 1);
  });
  process.exitCode = await runCli(program, process.argv, processIo());
}

/**
 * Runs the command line and returns the exit status: 0 done, 1 failed
 * (the reason on stderr, without a stack trace), 2 usage error. RunLocally
 * is passed on: the caller decides where the command runs instead.
 */
export async function runCli(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  return runWithIo(io, async () => {
    try {
      await program.parseAsync(argv);
      return 0;
    } catch (error) {
      if (error instanceof RunLocally) throw error;
      // Commander has printed its own message (or the help) already.
      if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
      if (error instanceof UsageError) {
        io.writeErr(`error: ${error.message}\n`);
        return 2;
      }
      const message = error instanceof AlkorError ? error.message : `Internal error: ${error instanceof Error ? error.message : String(error)}`;
      io.writeErr(`${message}\n`);
      return 1;
    }
  });
}
