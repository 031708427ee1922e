import type { Job, OpcodeInput } from "./model.js";

/**
 * The parameter each opcode's summary names (Ganeti's OP_DSC_FIELD), the
 * first one present: the node, instance, group or network an opcode acts on,
 * the tag target (a node's name, else its kind: "cluster"), the pattern of a
 * search, the duration of a test delay.
 */
const DESCRIPTION_FIELDS = ["node_name", "instance_name", "group_name", "network_name", "name", "kind", "pattern", "duration"];

/** Ganeti's OpCode.Summary: OP_ID without "OP_", with its description field in parentheses: "NODE_SET_PARAMS(node2)". */
export function opSummary(input: OpcodeInput): string {
  const name = input.OP_ID.replace(/^OP_/, "");
  const field = DESCRIPTION_FIELDS.find((key) => input[key] !== undefined && input[key] !== null);
  return field === undefined ? name : `${name}(${describe(input[field])})`;
}

/** A job's summary as gnt-job list shows it: its opcodes' summaries joined by commas. */
export function jobSummary(job: Job): string {
  return job.ops.map((op) => opSummary(op.input)).join(",");
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(",");
  // A whole number where Ganeti has a float (a delay's duration) prints as Python prints floats: 2.0.
  if (typeof value === "number" && Number.isInteger(value)) return value.toFixed(1);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
