import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { MAX_TAGS_PER_OBJECT } from "../state/schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { TagListSchema, tagLocks, TagObjectParams, tagTarget } from "./tag-target.js";

const Params = z.object({ ...TagObjectParams, tags: TagListSchema }).strict();
type Params = z.infer<typeof Params>;

/** OP_TAGS_SET: adds tags to the cluster or a node (alkor-cluster add-tags, PUT /2/tags). */
export const tagsSet: OpcodeDefinition<Params> = {
  id: "OP_TAGS_SET",
  params: Params,
  locks: (params) => tagLocks(params.kind, params.name),
  sideEffects: false,
  check(params, context) {
    const { tags, label } = tagTarget(context.state(), params.kind, params.name);
    const total = new Set([...tags, ...params.tags]).size;
    if (total > MAX_TAGS_PER_OBJECT) throw new AlkorError("wrong_state", `${label} would have ${total} tags; at most ${MAX_TAGS_PER_OBJECT} are allowed.`);
  },
  async run(params, context) {
    const { target } = tagTarget(context.state(), params.kind, params.name);
    return { result: null, effects: [{ kind: "tags.add", target, tags: params.tags }] };
  },
};
