import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { tagsPath, TagsBodySchema, type TagKind } from "../api/local/contract.js";
import { NodeNameSchema } from "../model/node.js";
import { addEndpointOption, endpointOf, printLines, UsageError, type EndpointOptions } from "./common.js";
import { getJson } from "./endpoint.js";
import { callerProcess, type CallerProcess } from "./io.js";
import { addJobOptions, type JobOptions } from "./jobs/job-options.js";
import { runJob } from "./jobs/runner.js";
import { checkRequest } from "./options.js";

/*
 * add-tags, remove-tags and list-tags (the manual's "Теги"), the same for the
 * cluster, a node and an instance; a node's and an instance's commands take
 * its name first.
 */

interface TagChangeOptions extends JobOptions {
  from?: string;
}

const TAG_CHANGES = [
  { command: "add-tags", opId: "OP_TAGS_SET", description: "add tags to", empty: "No tags to be added" },
  { command: "remove-tags", opId: "OP_TAGS_DEL", description: "remove tags from", empty: "No tags to be removed" },
] as const;

/** What the tags belong to: the cluster, or the named node or instance. */
function describeTarget(kind: TagKind): string {
  return kind === "cluster" ? "the cluster" : kind === "node" ? "a node" : "an instance";
}

/** Ganeti's --from: tags one per line from a file, or from standard input with "-"; blank lines are skipped. */
async function tagsFrom(source: string): Promise<string[]> {
  const caller = callerProcess("reads tags from a file or standard input");
  let text: string;
  try {
    text = source === "-" ? await readStdin(caller) : await readFile(resolve(caller.cwd, source), "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read tags from ${source}: ${(error as Error).message}.`);
  }
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

async function readStdin(caller: CallerProcess): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of caller.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A node's or an instance's name (both are host names). */
function objectName(kind: TagKind, name: string): string {
  return checkRequest(NodeNameSchema, name, { "": kind.toUpperCase() });
}

/** Registers add-tags, remove-tags and list-tags for the cluster, for nodes or for instances. */
export function addTagCommands(program: Command, kind: TagKind): void {
  for (const change of TAG_CHANGES) {
    const command = program.command(change.command).description(`${change.description} ${describeTarget(kind)}`);
    if (kind !== "cluster") command.argument(`<${kind}>`, `the ${kind}'s name`);
    command
      .argument("[tags...]", "the tags")
      .option("--from <file>", "also take tags from FILE, one per line (- for standard input)");
    addJobOptions(command).action(async (...args: unknown[]) => {
      const name = kind === "cluster" ? undefined : objectName(kind, args.shift() as string);
      const [given, options] = args as [string[], TagChangeOptions];
      const tags = options.from === undefined ? given : [...given, ...(await tagsFrom(options.from))];
      if (tags.length === 0) throw new UsageError(`${change.empty}: give tags as arguments or with --from.`);
      await runJob([{ OP_ID: change.opId, kind, ...(name === undefined ? {} : { name }), tags }], options);
    });
  }
  const list = program.command("list-tags").description(`list the tags of ${describeTarget(kind)}, one per line`);
  if (kind !== "cluster") list.argument(`<${kind}>`, `the ${kind}'s name`);
  addEndpointOption(list).action(async (...args: unknown[]) => {
    const name = kind === "cluster" ? undefined : objectName(kind, args.shift() as string);
    const [options] = args as [EndpointOptions];
    const { tags } = await getJson(endpointOf(options), tagsPath(kind, name), TagsBodySchema);
    printLines(tags.toSorted());
  });
}
