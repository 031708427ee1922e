import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { MAX_TAGS_PER_OBJECT, TagSchema } from "../../cluster/state/schema.js";
import { badRequest } from "./errors.js";

/**
 * The opcodes RAPI writes submit, with Ganeti's OP_IDs and parameter names
 * (rlib2's resources build the same). `dry_run` appears only when asked for.
 */

export type TagTarget = { kind: "cluster" } | { kind: "node"; name: string } | { kind: "instance"; name: string };

/** OP_TAGS_SET / OP_TAGS_DEL from the `tag` query parameters (rlib2's _R_Tags). */
export function tagsOpcode(OP_ID: "OP_TAGS_SET" | "OP_TAGS_DEL", target: TagTarget, tags: readonly string[], dryRun: boolean): OpcodeInput {
  if (tags.length === 0) throw badRequest("Give the tags as tag query parameters (tag=a&tag=b).");
  if (tags.length > MAX_TAGS_PER_OBJECT) throw badRequest(`At most ${MAX_TAGS_PER_OBJECT} tags can be given at once.`);
  for (const tag of tags) {
    const result = TagSchema.safeParse(tag);
    if (!result.success) throw badRequest(`Invalid tag ${JSON.stringify(tag.slice(0, 140))}: ${result.error.issues[0]!.message}.`);
  }
  return { OP_ID, ...target, tags: [...tags], ...(dryRun ? { dry_run: true } : {}) };
}

/**
 * The flags rlib2 sets for each role a client may ask for; the others stay
 * as they are (Ganeti passes None, alkor leaves the parameter out).
 */
const ROLE_FLAGS: Readonly<Record<string, { master_candidate?: boolean; offline?: boolean; drained?: boolean }>> = {
  regular: { master_candidate: false, offline: false, drained: false },
  "master-candidate": { master_candidate: true },
  drained: { drained: true },
  offline: { offline: true },
};

/** OP_NODE_SET_PARAMS for PUT /2/nodes/N/role; the master role is refused as Ganeti does (a failover makes a master). */
export function nodeRoleOpcode(nodeName: string, role: unknown, options: { force: boolean; autoPromote: boolean | undefined }): OpcodeInput {
  if (typeof role !== "string") throw badRequest(`Body contents: a role name as a JSON string, not ${JSON.stringify(role ?? null)?.slice(0, 64)}.`);
  const flags = Object.hasOwn(ROLE_FLAGS, role) ? ROLE_FLAGS[role] : undefined;
  if (flags === undefined) throw badRequest(`Can't set '${role.slice(0, 64)}' role (known: ${Object.keys(ROLE_FLAGS).join(", ")}).`);
  return {
    OP_ID: "OP_NODE_SET_PARAMS",
    node_name: nodeName,
    ...flags,
    force: options.force,
    ...(options.autoPromote === undefined ? {} : { auto_promote: options.autoPromote }),
  };
}
