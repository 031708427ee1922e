import { z } from "zod";
import type { Job, JobStatus } from "../../../cluster/jobs/model.js";
import { AlkorError } from "../../../model/errors.js";
import type { RapiBackend } from "../backend.js";
import { badRequest, RapiError } from "../errors.js";
import { BULK_JOB_FIELDS, JOB_FIELD_TABLE, JOB_FIELDS, jobRow, logEntriesAfter } from "../job-fields.js";
import { jsonEqual } from "../json-equal.js";
import { itemObject, queryRow } from "../query-fields.js";
import type { Route } from "../router.js";
import { validBody } from "../validate.js";
import type { ResourceContext } from "./context.js";

/** The `:job` path parameter: a positive decimal integer, else 400. */
export function checkJobId(value: string): string {
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`Job ID ${JSON.stringify(value.slice(0, 64))} is not a positive decimal integer.`);
  }
  return value;
}

/** rlib2's R_2_jobs_id_wait body; the previous values are optional, as there. */
const WaitBodySchema = z.strictObject({
  fields: z.array(z.string().max(64)).min(1).max(64),
  previous_job_info: z.array(z.unknown()).nullable().optional(),
  previous_log_serial: z.number().int().nonnegative().nullable().optional(),
});
type WaitBody = z.infer<typeof WaitBodySchema>;

/** Statuses in which a job may still change; for the others Ganeti answers at once (jqueue's _JobChangesChecker). */
const CHANGING: ReadonlySet<JobStatus> = new Set(["queued", "waiting", "running"]);

/** The jobs not archived yet, by id. */
export async function listJobs(backend: RapiBackend): Promise<Job[]> {
  return (await backend.jobs.list()).sort((a, b) => a.id - b.id);
}

/** /2/jobs and the paths under it (rlib2's R_2_jobs*). */
export function jobRoutes(context: ResourceContext): Route[] {
  const { backend } = context;
  const row = (job: Job) => jobRow(job, (input) => backend.summarize(input));
  let waiting = 0;
  return [
    {
      path: "/2/jobs",
      methods: {
        GET: {
          access: "read",
          query: { bulk: "flag" },
          handle: async (request) => {
            const jobs = await listJobs(backend);
            if (request.query.flag("bulk")) return { json: jobs.map((job) => itemObject(JOB_FIELD_TABLE, BULK_JOB_FIELDS, row(job))) };
            return { json: jobs.map((job) => ({ id: job.id, uri: `/2/jobs/${job.id}` })) };
          },
        },
      },
    },
    {
      path: "/2/jobs/:job",
      methods: {
        GET: {
          access: "read",
          handle: async (request) => ({ json: itemObject(JOB_FIELD_TABLE, JOB_FIELDS, row(await backend.jobs.get(Number(request.params.job)))) }),
        },
        DELETE: {
          access: "write",
          query: { "dry-run": "flag" },
          handle: async (request) => ({ json: await cancelJob(context, Number(request.params.job), request.query.flag("dry-run")) }),
        },
      },
    },
    {
      path: "/2/jobs/:job/wait",
      methods: {
        GET: {
          // Ganeti restricts it to writers too: a blocking call holds server resources.
          access: "write",
          body: "json",
          handle: async (request) => {
            const body = validBody(WaitBodySchema, request.body, "GET /2/jobs/ID/wait");
            const unknown = body.fields.find((name) => !JOB_FIELD_TABLE.has(name));
            if (unknown !== undefined) throw badRequest(`Unknown job field '${unknown}'.`);
            if (waiting >= context.maxWaits) {
              throw new RapiError(503, `Too many clients wait for job changes already (at most ${context.maxWaits}); try again shortly.`, { "retry-after": "1" });
            }
            waiting += 1;
            try {
              return { json: await waitForJobChange(context, Number(request.params.job), body, row) };
            } finally {
              waiting -= 1;
            }
          },
        },
      },
    },
  ];
}

/**
 * Ganeti's WaitForJobChangeOnce: the requested fields and the log entries
 * after `previous_log_serial` as soon as they differ from what the client
 * has, or null when nothing changed within the wait timeout.
 */
async function waitForJobChange(
  context: ResourceContext,
  id: number,
  body: WaitBody,
  row: (job: Job) => ReturnType<typeof jobRow>,
): Promise<{ job_info: unknown[]; log_entries: unknown[] } | null> {
  const { clock, backend } = context;
  const previousSerial = body.previous_log_serial ?? 0;
  const deadline = clock.monotonic() + context.waitTimeoutMs;
  let job = await backend.jobs.get(id);
  for (;;) {
    const info = queryRow(JOB_FIELD_TABLE, body.fields, row(job)).map(([, value]) => value);
    const entries = logEntriesAfter(job, previousSerial);
    if (!CHANGING.has(job.status) || !jsonEqual(info, body.previous_job_info ?? null) || entries.length > 0) {
      return { job_info: info, log_entries: entries };
    }
    const remaining = deadline - clock.monotonic();
    if (remaining <= 0) return null;
    const changed = await backend.jobs.waitForChange(id, { status: job.status, logSerial: Math.max(previousSerial, job.logSerial) }, remaining);
    if (changed === null) return null;
    job = changed;
  }
}

/** Ganeti's CancelJob answer: [done, sentence], also when the job cannot be canceled. */
async function cancelJob(context: ResourceContext, id: number, dryRun: boolean): Promise<[boolean, string]> {
  const { jobs } = context.backend;
  if (dryRun) {
    const job = await jobs.get(id);
    const cancellable = job.status === "queued" || job.status === "waiting";
    return [cancellable, cancellable ? `Job ${id} would be canceled.` : `Job ${id} is ${job.status} and cannot be canceled.`];
  }
  try {
    const job = await jobs.cancel(id);
    return [true, job.status === "canceled" ? `Job ${id} canceled.` : `Job ${id} will be canceled.`];
  } catch (error) {
    if (error instanceof AlkorError && error.code === "wrong_state") return [false, error.message];
    throw error;
  }
}
