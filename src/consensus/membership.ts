import type { ConfChange, Configuration, NodeId } from "./types.js";

/**
 * The configuration after one single-server change (thesis §4.1), or null if
 * the change does not apply: adding a member twice, promoting a non-learner,
 * removing a non-member or the last voter.
 */
export function applyChange({ voters, learners }: Configuration, { type, node }: ConfChange): Configuration | null {
  const member = voters.includes(node) || learners.includes(node);
  switch (type) {
    case "add-voter":
      return member ? null : { voters: [...voters, node], learners };
    case "add-learner":
      return member ? null : { voters, learners: [...learners, node] };
    case "promote-learner":
      return learners.includes(node) ? { voters: [...voters, node], learners: without(learners, node) } : null;
    case "remove-voter":
      return voters.includes(node) && voters.length > 1 ? { voters: without(voters, node), learners } : null;
    case "remove-learner":
      return learners.includes(node) ? { voters, learners: without(learners, node) } : null;
  }
}

function without(ids: readonly NodeId[], id: NodeId): NodeId[] {
  return ids.filter((other) => other !== id);
}
