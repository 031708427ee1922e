import { z } from "zod";
import type { ClusterState } from "../../../cluster/state/schema.js";
import { badRequest } from "../errors.js";
import { tagsOpcode, type TagTarget } from "../opcodes.js";
import type { Route, RapiRequest } from "../router.js";
import { validBody } from "../validate.js";
import { submitJob, type ResourceContext } from "./context.js";

/** The object a tags path is about: its current tags and how opcodes name it; throws a 404 when it does not exist. */
export type TagSubject = (state: ClusterState, request: RapiRequest) => { tags: readonly string[]; target: TagTarget };

const TAGS_QUERY = { tag: "list", "dry-run": "flag" } as const;
const BodyTagsSchema = z.array(z.string());

/**
 * GET, PUT and DELETE on a tags path (rlib2's _R_Tags): the tags come as
 * `tag` query parameters; a write answers the id of an OP_TAGS_SET or
 * OP_TAGS_DEL job.
 */
export function tagMethods(context: ResourceContext, subject: TagSubject): Route["methods"] {
  const { backend } = context;
  const write = async (OP_ID: "OP_TAGS_SET" | "OP_TAGS_DEL", request: RapiRequest) => {
    const { target } = subject((await backend.read()).state, request);
    return submitJob(context, request, tagsOpcode(OP_ID, target, request.query.list("tag"), request.query.flag("dry-run")));
  };
  return {
    GET: {
      access: "read",
      handle: async (request) => ({ json: [...subject((await backend.read()).state, request).tags] }),
    },
    PUT: {
      access: "write",
      query: TAGS_QUERY,
      // Ganeti's client sends the node tags in the body too (AddNodeTags); Ganeti reads only the query.
      body: "json",
      handle: async (request) => {
        if (request.body !== undefined) checkBodyTags(validBody(BodyTagsSchema, request.body, "a tags PUT"), request.query.list("tag"));
        return write("OP_TAGS_SET", request);
      },
    },
    DELETE: { access: "write", query: TAGS_QUERY, handle: (request) => write("OP_TAGS_DEL", request) },
  };
}

function checkBodyTags(bodyTags: readonly string[], queryTags: readonly string[]): void {
  const inQuery = new Set(queryTags);
  if (bodyTags.length !== queryTags.length || !bodyTags.every((tag) => inQuery.has(tag))) {
    throw badRequest("The body lists other tags than the tag query parameters; give the tags as tag=... parameters.");
  }
}
