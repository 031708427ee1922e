import type { Command } from "commander";
import { OS_PATH, OsListBodySchema } from "../../api/local/contract.js";
import { AlkorError } from "../../model/errors.js";
import type { OsDefinitionView } from "../../node/instance-rpc-methods.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson } from "../endpoint.js";
import { niceCompare, summarizeOses, type OsReport } from "./summary.js";

/** The OS API versions from which definitions declare variants, and parameters (Ganeti's OS_API_V15, OS_API_V20). */
const API_WITH_VARIANTS = 15;
const API_WITH_PARAMETERS = 20;

/** One node's status of one OS, in the words of Ganeti's gnt-os diagnose. */
export function nodeOsStatus(definition: OsDefinitionView | null): string {
  if (definition === null) return "OS not found";
  let text = `${definition.valid ? "valid" : `invalid - ${definition.problems.join("; ")}`} (path: ${definition.path})`;
  const maxApi = Math.max(0, ...definition.apiVersions);
  text += definition.apiVersions.length > 0 ? ` [API versions: ${definition.apiVersions.join(", ")}]` : " [no API versions declared]";
  if (maxApi >= API_WITH_VARIANTS) text += definition.variants.length > 0 ? ` [variants: ${definition.variants.join(", ")}]` : " [no variants]";
  if (maxApi >= API_WITH_PARAMETERS) text += definition.parameters.length > 0 ? ` [parameters: ${definition.parameters.map((parameter) => parameter.name).join(", ")}]` : " [no parameters]";
  return text;
}

/** gnt-os diagnose: per OS its global status and variants, then each node, valid ones first; whether anything was wrong. */
export function formatOsDiagnose(report: OsReport): { lines: string[]; bad: boolean } {
  const lines: string[] = [];
  let bad = report.unanswered.length > 0;
  for (const os of report.oses) {
    const valid = os.nodes.filter(({ definition }) => definition?.valid === true);
    const invalid = os.nodes.filter(({ definition }) => definition?.valid !== true);
    const status = invalid.length === 0 ? "valid" : valid.length === 0 ? "invalid" : "partial valid";
    if (invalid.length > 0) bad = true;
    lines.push(`OS: ${os.name} [global status: ${status}]`);
    if (os.variants.length > 0) lines.push(`  Variants: [${os.variants.join(", ")}]`);
    for (const { node, definition } of [...valid, ...invalid].toSorted((a, b) => Number(a.definition?.valid !== true) - Number(b.definition?.valid !== true) || niceCompare(a.node, b.node))) {
      lines.push(`  Node: ${node}, status: ${nodeOsStatus(definition)}`);
    }
    lines.push("");
  }
  for (const { node, error } of report.unanswered) lines.push(`Node: ${node}, status: did not answer - ${error}`);
  return { lines, bad };
}

export function addOsDiagnoseCommand(program: Command): void {
  const command = program.command("diagnose").description("show every OS definition on every vm-capable node: valid, or what is wrong with it");
  addEndpointOption(command).action(async (options: EndpointOptions) => {
    const { lines, bad } = formatOsDiagnose(summarizeOses((await getJson(endpointOf(options), OS_PATH, OsListBodySchema)).nodes));
    printLines(lines);
    // Ganeti's diagnose exits 1 when an OS is not valid everywhere.
    if (bad) throw new AlkorError("wrong_state", "Some OS definitions are not valid on every node (see above).");
  });
}
