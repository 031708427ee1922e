import type { CommandRefusal } from "./apply.js";
import { MAX_TAGS_PER_OBJECT } from "./schema.js";

/** Tags kept sorted and without duplicates, so every node holds the same list. */
export function addTags(current: readonly string[], added: readonly string[]): string[] | CommandRefusal {
  const tags = [...new Set([...current, ...added])].sort();
  if (tags.length > MAX_TAGS_PER_OBJECT) {
    return { code: "wrong_state", message: `An object can have at most ${MAX_TAGS_PER_OBJECT} tags; adding these would make ${tags.length}.` };
  }
  return tags;
}

/** Ganeti refuses to remove a tag that is not there, naming it. */
export function removeTags(current: readonly string[], removed: readonly string[]): string[] | CommandRefusal {
  const missing = removed.filter((tag) => !current.includes(tag));
  if (missing.length > 0) return { code: "unknown_entity", message: `Tag(s) ${missing.map((tag) => `'${tag}'`).join(", ")} not found.` };
  const gone = new Set(removed);
  return current.filter((tag) => !gone.has(tag));
}
