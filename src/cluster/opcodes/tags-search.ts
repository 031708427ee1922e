import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeDefinition } from "./definition.js";

const Params = z.object({ pattern: z.string().min(1).max(256) }).strict();
type Params = z.infer<typeof Params>;

/** OP_TAGS_SEARCH: every tag matching a regular expression, as [path, tag] pairs ("/cluster", "/nodes/NAME", "/instances/NAME"). */
export const tagsSearch: OpcodeDefinition<Params> = {
  id: "OP_TAGS_SEARCH",
  params: Params,
  locks: () => [{ level: "cluster", name: "cluster", mode: "shared" }],
  sideEffects: false,
  check(params) {
    compile(params.pattern);
  },
  async run(params, context) {
    const pattern = compile(params.pattern);
    const state = context.state();
    const objects: Array<[string, string[]]> = [
      ["/cluster", state.tags],
      ...Object.values(state.nodes)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((node): [string, string[]] => [`/nodes/${node.name}`, node.tags]),
      ...Object.values(state.instances)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((instance): [string, string[]] => [`/instances/${instance.name}`, instance.tags]),
    ];
    const result = objects.flatMap(([path, tags]) => tags.filter((tag) => pattern.test(tag)).map((tag) => [path, tag]));
    return { result, effects: [] };
  },
};

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new AlkorError("wrong_input", `The search pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}.`);
  }
}
