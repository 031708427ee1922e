import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeDefinition } from "../opcodes/definition.js";
import { MAX_OPS_PER_JOB, OpcodeInputSchema, type OpcodeInput } from "./model.js";

/** Parameters every Ganeti opcode accepts besides its own; alkor keeps them in the job and acts on dry_run. */
const CommonParamsSchema = z
  .object({
    dry_run: z.boolean().optional(),
    debug_level: z.number().int().min(0).max(10).optional(),
    priority: z.number().int().min(-20).max(19).optional(),
    depends: z.null().optional(),
    comment: z.string().max(1024).nullable().optional(),
    reason: z.array(z.tuple([z.string().max(256), z.string().max(1024), z.number()])).max(32).optional(),
  })
  .strict();
const commonKeys = new Set(Object.keys(CommonParamsSchema.shape));

const maxOpBytes = 64 * 1024;

export type OpcodeTable = ReadonlyMap<string, OpcodeDefinition>;

/** An opcode input split into Ganeti's common parameters and the definition's own, both checked. */
export interface ParsedOpcode {
  definition: OpcodeDefinition;
  params: Record<string, unknown>;
  dryRun: boolean;
}

export function parseOpcode(table: OpcodeTable, input: unknown, index: number): ParsedOpcode {
  const where = `Opcode ${index}`;
  const shape = OpcodeInputSchema.safeParse(input);
  if (!shape.success) throw new AlkorError("wrong_input", `${where} is not an opcode: it needs an OP_ID naming it.`);
  const { OP_ID: id, ...rest } = shape.data;
  const definition = table.get(id);
  if (definition === undefined) throw new AlkorError("wrong_input", `${where} names an unknown opcode ${JSON.stringify(id.slice(0, 64))}.`);
  const common: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) (commonKeys.has(key) ? common : own)[key] = value;
  const commonParsed = CommonParamsSchema.safeParse(common);
  if (!commonParsed.success) throw new AlkorError("wrong_input", `${where} (${id}): ${describe(commonParsed.error)}`);
  const params = definition.params.safeParse(own);
  if (!params.success) throw new AlkorError("wrong_input", `${where} (${id}): ${describe(params.error)}`);
  return { definition, params: params.data, dryRun: commonParsed.data.dry_run === true };
}

/** Checks a job's opcodes before it is queued; resolves to the inputs as stored (the parsed parameters, defaults filled). */
export function validateJobOps(table: OpcodeTable, ops: readonly unknown[]): OpcodeInput[] {
  if (!Array.isArray(ops) || ops.length === 0) throw new AlkorError("wrong_input", "A job needs at least one opcode.");
  if (ops.length > MAX_OPS_PER_JOB) throw new AlkorError("wrong_input", `A job holds at most ${MAX_OPS_PER_JOB} opcodes; this one has ${ops.length}.`);
  return ops.map((input, index) => {
    if (JSON.stringify(input).length > maxOpBytes) throw new AlkorError("wrong_input", `Opcode ${index} is larger than ${maxOpBytes / 1024} KiB.`);
    const parsed = parseOpcode(table, input, index);
    const { OP_ID: id } = input as OpcodeInput;
    const common = Object.fromEntries(Object.entries(input as object).filter(([key]) => commonKeys.has(key)));
    return { OP_ID: id, ...common, ...parsed.params };
  });
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  if (issue.code === "unrecognized_keys") return `unknown parameter(s) ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}.`;
  return path ? `parameter ${path}: ${issue.message}.` : `${issue.message}.`;
}
