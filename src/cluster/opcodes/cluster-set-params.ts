import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { OpcodeDefinition } from "./definition.js";

const Params = z.object({ candidate_pool_size: z.number().int().min(1).max(99).optional() }).strict();
type Params = z.infer<typeof Params>;

/** OP_CLUSTER_SET_PARAMS: the cluster's settings (alkor-cluster modify). */
export const clusterSetParams: OpcodeDefinition<Params> = {
  id: "OP_CLUSTER_SET_PARAMS",
  params: Params,
  locks: () => [{ level: "cluster", name: "cluster", mode: "exclusive" }],
  sideEffects: false,
  check(params) {
    if (params.candidate_pool_size === undefined) throw new AlkorError("wrong_input", "Nothing to change: give at least one option.");
  },
  async run(params) {
    return { result: [["candidate_pool_size", params.candidate_pool_size]], effects: [{ kind: "cluster.modify", changes: { candidatePoolSize: params.candidate_pool_size! } }] };
  },
};
