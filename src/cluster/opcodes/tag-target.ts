import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import { NodeNameSchema } from "../../model/node.js";
import type { ClusterState, TagTarget } from "../state/schema.js";
import { TagSchema, MAX_TAGS_PER_OBJECT } from "../state/schema.js";
import { findNode } from "./node-target.js";

/** Ganeti's tag opcodes name their object by kind and name; alkor has the cluster and nodes so far. */
export const TagObjectParams = {
  kind: z.enum(["cluster", "node"]),
  name: NodeNameSchema.nullable().optional(),
};

export const TagListSchema = z.array(TagSchema).min(1, "give at least one tag").max(MAX_TAGS_PER_OBJECT);

export function tagTarget(state: ClusterState, kind: "cluster" | "node", name: string | null | undefined): { target: TagTarget; tags: string[]; label: string } {
  if (kind === "cluster") return { target: { kind: "cluster" }, tags: state.tags, label: "the cluster" };
  if (!name) throw new AlkorError("wrong_input", "Tags of a node need the node's name.");
  const node = findNode(state, name);
  return { target: { kind: "node", uuid: node.uuid }, tags: node.tags, label: `node ${name}` };
}

/** Tag opcodes lock the object they tag; tags on the cluster take it shared, since adding to a set commutes. */
export function tagLocks(kind: "cluster" | "node", name: string | null | undefined) {
  if (kind === "node" && name) return [{ level: "node" as const, name, mode: "exclusive" as const }];
  return [{ level: "cluster" as const, name: "cluster", mode: "shared" as const }];
}
