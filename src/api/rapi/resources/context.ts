import type { OpcodeInput } from "../../../cluster/jobs/model.js";
import type { Clock } from "../../../host/clock.js";
import type { RapiBackend } from "../backend.js";
import type { RapiReply, RapiRequest } from "../router.js";

/** What the resources share. */
export interface ResourceContext {
  backend: RapiBackend;
  clock: Clock;
  /** How long /2/jobs/ID/wait waits for a change before answering null. */
  waitTimeoutMs: number;
  /** How many clients may wait on /2/jobs/ID/wait at once. */
  maxWaits: number;
}

/** Submits a one-opcode job as the request's user; answers its id, a bare JSON number as Ganeti does. */
export async function submitJob(context: ResourceContext, request: RapiRequest, op: OpcodeInput): Promise<RapiReply> {
  return { json: await context.backend.jobs.submit([op], { submittedBy: request.user }) };
}
