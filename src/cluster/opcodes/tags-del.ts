import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeDefinition } from "./definition.js";
import { TagListSchema, tagLocks, TagObjectParams, tagTarget } from "./tag-target.js";

const Params = z.object({ ...TagObjectParams, tags: TagListSchema }).strict();
type Params = z.infer<typeof Params>;

/** OP_TAGS_DEL: removes tags from the cluster or a node; a tag that is not there is an error, as in Ganeti. */
export const tagsDel: OpcodeDefinition<Params> = {
  id: "OP_TAGS_DEL",
  params: Params,
  locks: (params) => tagLocks(params.kind, params.name),
  sideEffects: false,
  check(params, context) {
    const { tags, label } = tagTarget(context.state(), params.kind, params.name);
    const missing = params.tags.filter((tag) => !tags.includes(tag));
    if (missing.length > 0) throw new AlkorError("unknown_entity", `Tag(s) ${missing.map((tag) => `'${tag}'`).join(", ")} not found on ${label}.`);
  },
  async run(params, context) {
    const { target } = tagTarget(context.state(), params.kind, params.name);
    return { result: null, effects: [{ kind: "tags.remove", target, tags: params.tags }] };
  },
};
