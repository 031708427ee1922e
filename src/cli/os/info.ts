import type { Command } from "commander";
import { OS_PATH, OsListBodySchema } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { cliIo } from "../io.js";
import { summarizeOses, unansweredLines, type OsSummary } from "./summary.js";

/** One OS as gnt-os info shows it: validity, then (when valid) API versions, variants and parameters. */
export function formatOsInfo(os: OsSummary): string[] {
  const lines = [`${os.name}:`, `  - valid: ${os.valid ? "True" : "False"}`];
  if (os.valid) {
    lines.push("  - API versions:", ...os.apiVersions.map((version) => `    - ${version}`));
    lines.push("  - variants:", ...os.variants.map((variant) => `    - ${variant}`));
    lines.push("  - parameters:", ...os.parameters.map((parameter) => `    - ${parameter.name}: ${parameter.description}`));
  }
  lines.push("");
  return lines;
}

export function addOsInfoCommand(program: Command): void {
  const command = program
    .command("info")
    .alias("show")
    .description("show each OS's variants, parameters and API versions")
    .argument("[oses...]", "only these OSes (default: all)");
  addEndpointOption(command).action(async (names: string[], options: EndpointOptions) => {
    const report = summarizeOses((await getJson(endpointOf(options), OS_PATH, OsListBodySchema)).nodes);
    for (const line of unansweredLines(report)) cliIo().writeErr(`${line}\n`);
    // name+variant names the OS too.
    const wanted = names.map((name) => name.split("+")[0]!);
    const shown = wanted.length === 0 ? report.oses : report.oses.filter((os) => wanted.includes(os.name));
    printLines(shown.flatMap(formatOsInfo));
    const unknown = wanted.filter((name) => !report.oses.some((os) => os.name === name));
    if (unknown.length > 0) throw new AlkorError("unknown_entity", `Unknown OS${unknown.length > 1 ? "es" : ""}: ${unknown.join(", ")} (alkor-os list shows the valid ones).`);
  });
}
