import type { OsListBody } from "../../api/local/contract.js";
import type { OsDefinitionView } from "../../node/instance-rpc-methods.js";

/*
 * The cluster's view of its OS definitions from each vm-capable node's own,
 * as Ganeti's OpOsDiagnose computes it: an OS is valid where every node
 * that answered has it valid, and its variants and API versions are those
 * all of them have. A node that did not answer is left out of the
 * comparison (as in Ganeti) and named apart.
 */

export type NodeOsList = OsListBody["nodes"][number];

export interface OsSummary {
  name: string;
  /** Valid on every node that answered. */
  valid: boolean;
  variants: string[];
  apiVersions: number[];
  /** From the first node that has the OS valid (else the first that has it). */
  parameters: OsDefinitionView["parameters"];
  /** Each answering node's definition, or null where the node has none. */
  nodes: Array<{ node: string; definition: OsDefinitionView | null }>;
}

export interface OsReport {
  oses: OsSummary[];
  /** Nodes whose definitions could not be read, with why. */
  unanswered: Array<{ node: string; error: string }>;
}

/** Names with digits compared by value (node2 before node10), as Ganeti's NiceSort. */
export function niceCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function intersection<T>(lists: ReadonlyArray<readonly T[]>): T[] {
  if (lists.length === 0) return [];
  return lists[0]!.filter((item) => lists.every((list) => list.includes(item)));
}

export function summarizeOses(nodes: readonly NodeOsList[]): OsReport {
  const answered = nodes.filter((node) => node.definitions !== null).toSorted((a, b) => niceCompare(a.node, b.node));
  const unanswered = nodes
    .filter((node) => node.definitions === null)
    .map((node) => ({ node: node.node, error: node.error ?? "no answer" }))
    .sort((a, b) => niceCompare(a.node, b.node));
  const names = [...new Set(answered.flatMap((node) => node.definitions!.map((definition) => definition.name)))].sort(niceCompare);
  const oses = names.map((name): OsSummary => {
    const perNode = answered.map((node) => ({ node: node.node, definition: node.definitions!.find((definition) => definition.name === name) ?? null }));
    const present = perNode.flatMap(({ definition }) => (definition === null ? [] : [definition]));
    const valid = perNode.every(({ definition }) => definition?.valid === true);
    const usable = present.filter((definition) => definition.valid);
    return {
      name,
      valid,
      variants: valid ? intersection(usable.map((definition) => definition.variants)) : [],
      apiVersions: valid ? intersection(usable.map((definition) => definition.apiVersions)).sort((a, b) => a - b) : [],
      parameters: (usable[0] ?? present[0])?.parameters ?? [],
      nodes: perNode,
    };
  });
  return { oses, unanswered };
}

/** Ganeti's CalculateOSNames: name+variant for each variant, or the bare name. */
export function osNames(os: Pick<OsSummary, "name" | "variants">): string[] {
  return os.variants.length === 0 ? [os.name] : os.variants.map((variant) => `${os.name}+${variant}`);
}

/** The stderr lines naming the nodes left out. */
export function unansweredLines(report: OsReport): string[] {
  return report.unanswered.map(({ node, error }) => `Node ${node} did not answer (${error}); its OS definitions are not counted.`);
}
