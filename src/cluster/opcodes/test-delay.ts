import { z } from "zod";
import type { OpcodeDefinition } from "./definition.js";

const Params = z
  .object({
    /** Seconds, as in Ganeti. */
    duration: z.number().min(0).max(3600),
    on_master: z.boolean().default(true),
    repeat: z.number().int().min(0).max(100).default(0),
    /** alkor's addition for tests: the master appends a line to its record of test-opcode executions. */
    alkor_record: z.boolean().default(false),
  })
  .strict();
type Params = z.infer<typeof Params>;

const progressEveryMs = 1000;

/** OP_TEST_DELAY: sleeps on the master, reporting progress; Ganeti's tool for testing the job queue. */
export const testDelay: OpcodeDefinition<Params> = {
  id: "OP_TEST_DELAY",
  params: Params,
  locks: () => [],
  sideEffects: true,
  check() {},
  async run(params, context) {
    if (params.alkor_record) await context.services.recordTestExecution(`job ${context.jobId} opcode ${context.opIndex} on ${context.masterName} at ${context.clock.now()}`);
    const rounds = params.repeat + 1;
    for (let round = 1; round <= rounds; round++) {
      await context.log(`Sleeping for ${params.duration} s on ${context.masterName}${rounds > 1 ? ` (round ${round} of ${rounds})` : ""}.`);
      let left = params.duration * 1000;
      while (left > 0) {
        const step = Math.min(left, progressEveryMs);
        await context.sleep(step);
        left -= step;
        if (left > 0) await context.log(`${((params.duration * 1000 - left) / 1000).toFixed(1)} of ${params.duration} s slept.`);
      }
    }
    return { result: null, effects: [] };
  },
};
