import { AlkorError } from "../../model/errors.js";
import type { OsListBody } from "../local/contract.js";

/**
 * The names Ganeti's /2/os lists: OpOsDiagnose's name and variants of every
 * OS valid on all the nodes that answered, each variant common to them all
 * given as name+variant, an OS without variants by its bare name
 * (cli.CalculateOSNames); sorted by name. As in Ganeti's diagnosis, a node
 * whose answer failed is left out (the directory asks only vm-capable nodes
 * that are not offline); when none answered there is nothing to tell, and
 * the failure says why.
 */
export function osNames(nodes: OsListBody["nodes"]): string[] {
  const answers = nodes.flatMap((node) => (node.definitions === null ? [] : [node.definitions]));
  if (nodes.length > 0 && answers.length === 0) {
    const why = nodes.map((node) => `${node.node}: ${node.error ?? "no answer"}`).join("; ");
    throw new AlkorError("environment_error", `No node told its OS definitions (${why.slice(0, 512)}).`);
  }
  const [first, ...others] = answers;
  if (first === undefined) return [];
  const names: string[] = [];
  for (const name of [...new Set(first.map((definition) => definition.name))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))) {
    // Ganeti takes a node's first definition of a name: the one its search path finds first.
    const onEach = answers.map((definitions) => definitions.find((definition) => definition.name === name));
    if (!onEach.every((definition) => definition?.valid === true)) continue;
    const variants = onEach[0]!.variants.filter((variant) => others.every((_, index) => onEach[index + 1]!.variants.includes(variant)));
    names.push(...(variants.length > 0 ? variants.map((variant) => `${name}+${variant}`) : [name]));
  }
  return names;
}
