import type { Command } from "commander";
import { OS_PATH, OsListBodySchema } from "../../api/local/contract.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { cliIo } from "../io.js";
import { formatTable, type Column } from "../table.js";
import { osNames, summarizeOses, unansweredLines, type OsReport } from "./summary.js";

const NAME_COLUMN: Column<string> = { name: "name", title: "Name", kind: "text", value: (name) => name };

/** gnt-os list: a "Name" column of the OSes valid on every node, each variant as name+variant. */
export function formatOsList(report: OsReport, headers: boolean): string[] {
  const names = report.oses.filter((os) => os.valid).flatMap(osNames);
  return formatTable([NAME_COLUMN], names, { headers });
}

export function addOsListCommand(program: Command): void {
  const command = program
    .command("list")
    .description("list the OSes instances can be created with: those valid on every vm-capable node, name+variant")
    .option("--no-headers", "do not print the header line");
  addEndpointOption(command).action(async (options: EndpointOptions & { headers: boolean }) => {
    const report = summarizeOses((await getJson(endpointOf(options), OS_PATH, OsListBodySchema)).nodes);
    for (const line of unansweredLines(report)) cliIo().writeErr(`${line}\n`);
    printLines(formatOsList(report, options.headers));
  });
}
