import { z } from "zod";
import { AlkorError } from "../../model/errors.js";
import type { ObjectCommand } from "../state/schema.js";
import type { OpcodeDefinition } from "./definition.js";

const Params = z
  .object({
    candidate_pool_size: z.number().int().min(1).max(99).optional(),
    /** alkor's: ended jobs are archived (dropped from the cluster state) this many seconds after they end. */
    job_archive_age: z.number().int().min(60).max(365 * 86_400).optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_CLUSTER_SET_PARAMS: the cluster's settings (alkor-cluster modify). */
export const clusterSetParams: OpcodeDefinition<Params> = {
  id: "OP_CLUSTER_SET_PARAMS",
  params: Params,
  locks: () => [{ level: "cluster", name: "cluster", mode: "exclusive" }],
  sideEffects: false,
  check(params) {
    if (params.candidate_pool_size === undefined && params.job_archive_age === undefined) throw new AlkorError("wrong_input", "Nothing to change: give at least one option.");
  },
  async run(params) {
    const effects: ObjectCommand[] = [];
    const result: Array<[string, number]> = [];
    if (params.candidate_pool_size !== undefined) {
      effects.push({ kind: "cluster.modify", changes: { candidatePoolSize: params.candidate_pool_size } });
      result.push(["candidate_pool_size", params.candidate_pool_size]);
    }
    if (params.job_archive_age !== undefined) {
      effects.push({ kind: "queue.modify", changes: { archiveAfterMs: params.job_archive_age * 1000 } });
      result.push(["job_archive_age", params.job_archive_age]);
    }
    return { result, effects };
  },
};
