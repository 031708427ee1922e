import { Command, CommanderError, Option } from "commander";
import { AlkorError } from "../model/errors.js";
import { DEFAULT_ENDPOINT, ENDPOINT_ENV, resolveEndpoint, type Endpoint } from "./endpoint.js";
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
 * exit statuses are decided in one place. Subcommands made with
 * program.command() inherit this.
 */
export function createProgram(name: string, description: string): Command {
  return new Command(name).description(description).exitOverride();
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
  return asUsage(() => resolveEndpoint(options.endpoint, process.env));
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
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs the command line and returns the exit status: 0 done, 1 failed
 * (the reason on stderr, without a stack trace), 2 usage error.
 */
export async function runCli(program: Command, argv: readonly string[]): Promise<number> {
  // A reader that stops early (alkor-node list | head) is not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") process.stderr.write(`Cannot write the output: ${error.message}\n`);
    process.exit(error.code === "EPIPE" ? 0 : 1);
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof AlkorError ? error.message : `Internal error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n`);
    return 1;
  }
}
