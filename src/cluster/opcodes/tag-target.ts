import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import type { ClusterState, TagTarget } from "../state/schema.js";
import { TagSchema, MAX_TAGS_PER_OBJECT } from "../state/schema.js";
import { findInstance } from "./instance-target.js";
import { findNode } from "./node-target.js";

/** Ganeti's tag opcodes name their object by kind and name. */
export const TagObjectParams = {
  kind: z.enum(["cluster", "node", "instance"]),
  name: NodeNameSchema.nullable().optional(),
};

export const TagListSchema = z.array(TagSchema).min(1, "give at least one tag").max(MAX_TAGS_PER_OBJECT);

type TagKind = "cluster" | "node" | "instance";

export function tagTarget(state: ClusterState, kind: TagKind, name: string | null | undefined): { target: TagTarget; tags: string[]; label: string } {
  if (kind === "cluster") return { target: { kind: "cluster" }, tags: state.tags, label: "the cluster" };
  if (!name) throw new AlkorError("wrong_input", `Tags of a ${kind} need the ${kind}'s name.`);
  if (kind === "instance") {
    const instance = findInstance(state, name);
    return { target: { kind: "instance", uuid: instance.uuid }, tags: instance.tags, label: `instance ${name}` };
  }
  const node = findNode(state, name);
  return { target: { kind: "node", uuid: node.uuid }, tags: node.tags, label: `node ${name}` };
}

/** Tag opcodes lock the object they tag; tags on the cluster take it shared, since adding to a set commutes. */
export function tagLocks(kind: TagKind, name: string | null | undefined) {
  if (kind !== "cluster" && name) return [{ level: kind, name, mode: "exclusive" as const }];
  return [{ level: "cluster" as const, name: "cluster", mode: "shared" as const }];
}
