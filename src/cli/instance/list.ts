import type { Command } from "commander";
import { INSTANCES_PATH, InstanceListBodySchema } from "../../api/local/contract.js";
import { compareInstanceNames } from "../../api/rapi/instance-fields.js";
import { AlkorError } from "../../model/errors.js";
import type { InstanceView } from "../../model/instance.js";
import { addListOptions, columnsOf, endpointOf, printJson, printLines, UsageError, type ListOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { formatTable } from "../table.js";
import { DEFAULT_INSTANCE_FIELDS, fieldColumns, instanceFields, STATIC_INSTANCE_FIELDS } from "./fields.js";
import { compileQueryFilter, filterFields, isGlob, looksLikeFilter, namesFilter, parseFilter, type QueryFilter } from "./filter.js";

interface InstanceListOptions extends ListOptions {
  filter?: boolean;
}

/** What the arguments of list select: every instance, named ones, or those a filter matches. */
export type Selection =
  | { kind: "all" }
  | { kind: "names"; names: readonly string[] }
  | { kind: "filter"; matches: (instance: InstanceView) => boolean };

/**
 * Reads the arguments as Ganeti's MakeFilter does: with -F (or one
 * argument that looks like a filter) a filter expression; otherwise names,
 * where a name with * or ? is a glob. Checked before the agent is asked.
 */
export function parseSelection(args: readonly string[], forceFilter: boolean): Selection {
  let filter: QueryFilter;
  if (forceFilter || (args.length === 1 && looksLikeFilter(args[0]!))) {
    if (args.length !== 1) throw new UsageError(`A filter is one argument (quote it); got ${args.length}.`);
    filter = parseFilter(args[0]!);
  } else if (args.some(isGlob)) {
    filter = namesFilter(args);
  } else {
    return args.length === 0 ? { kind: "all" } : { kind: "names", names: args };
  }
  return { kind: "filter", matches: compileQueryFilter(instanceFields(filterFields(filter)), filter) };
}

/** The selected instances: named ones in the order given (each must exist), the others in name order. */
export function selectInstances(instances: readonly InstanceView[], selection: Selection): InstanceView[] {
  if (selection.kind === "names") {
    const unknown = selection.names.filter((name) => !instances.some((instance) => instance.name === name));
    if (unknown.length > 0) throw new AlkorError("unknown_entity", `Unknown instance${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`);
    return selection.names.map((name) => instances.find((instance) => instance.name === name)!);
  }
  const sorted = instances.toSorted((a, b) => compareInstanceNames(a.name, b.name));
  return selection.kind === "all" ? sorted : sorted.filter(selection.matches);
}

/** The -o names, for the per-index fields they may ask for. */
function outputNames(output: string | undefined): string[] {
  return output === undefined ? [] : output.replace(/^\+/, "").split(",");
}

/** The lines of alkor-instance list. */
export function formatInstanceList(instances: readonly InstanceView[], options: Pick<ListOptions, "output" | "headers" | "separator" | "units">): string[] {
  const columns = columnsOf(fieldColumns(instanceFields(outputNames(options.output))), DEFAULT_INSTANCE_FIELDS, { ...options });
  return formatTable(columns, instances, options);
}

export function addInstanceListCommand(program: Command): void {
  const command = program
    .command("list")
    .description("list the instances and their status, one per line")
    .argument("[names-or-filter...]", "only these instances (globs such as web* allowed), or with -F a filter such as 'status == \"running\"'");
  addListOptions(command, fieldColumns(STATIC_INSTANCE_FIELDS), DEFAULT_INSTANCE_FIELDS)
    .option("-F, --filter", "the argument is a filter in Ganeti's query language: name == \"x\", status != \"running\", \"t\" in tags, name =~ m/^web/, and, or, not")
    .action(async (args: string[], options: InstanceListOptions) => {
      // Fields and filter are checked before the agent is asked: a mistake in them is a usage error.
      formatInstanceList([], options);
      const selection = parseSelection(args, options.filter === true);
      const { instances } = await getJson(endpointOf(options), INSTANCES_PATH, InstanceListBodySchema);
      const selected = selectInstances(instances, selection);
      if (options.json) printJson(selected);
      else printLines(formatInstanceList(selected, options));
    });
}
