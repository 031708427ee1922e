import type { Balance, Placement } from "./balance.js";
import type { NPlusOneFailure } from "./n-plus-one.js";

/** One placement the allocator weighed. */
export interface Evaluation {
  placement: Placement;
  balance: Balance;
  /** The N+1 failures it would add to those the cluster already has; empty when it keeps N+1. */
  breaks: NPlusOneFailure[];
}
