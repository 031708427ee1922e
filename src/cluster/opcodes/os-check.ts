import { splitOsName } from "../../host/os/os-definition.js";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeContext } from "./definition.js";

/** The OS must exist and be valid on the node that will install it, with a variant it lists (Ganeti checks this on the primary). */
export async function checkOsOnNode(context: OpcodeContext, node: string, os: string): Promise<void> {
  const { name, variant } = splitOsName(os);
  const { definitions } = await context.services.nodeRpc(node, "os.list", {});
  const definition = definitions.find((candidate) => candidate.name === name);
  if (!definition) {
    const known = definitions.filter((candidate) => candidate.valid).map((candidate) => candidate.name);
    throw new AlkorError("unknown_entity", `OS ${name} is not known on node ${node}${known.length > 0 ? `; it has ${known.join(", ")}` : ""} (alkor-os list).`);
  }
  if (!definition.valid) throw new AlkorError("environment_error", `OS ${name} on node ${node} is not usable: ${definition.problems.join("; ")}.`);
  if (variant !== null && !definition.variants.includes(variant)) {
    throw new AlkorError("wrong_input", `OS ${name} has no variant ${variant}; its variants are ${definition.variants.join(", ") || "none"}.`);
  }
  if (variant === null && definition.variants.length > 0) {
    throw new AlkorError("wrong_input", `OS ${name} needs a variant: give ${definition.variants.map((candidate) => `${name}+${candidate}`).join(" or ")}.`);
  }
}
