import { z } from "zod";
import { badRequest, notFound } from "../errors.js";
import { compareInstanceNames, INSTANCE_FIELDS } from "../instance-fields.js";
import { JOB_FIELD_TABLE, jobRow } from "../job-fields.js";
import { NODE_FIELDS } from "../node-fields.js";
import { compileFilter } from "../query-filter.js";
import { fieldDefinitions, queryRow, type FieldDefinition, type FieldTable, type QueryValue } from "../query-fields.js";
import type { RapiRequest, Route } from "../router.js";
import { validBody } from "../validate.js";
import type { ResourceContext } from "./context.js";
import { listJobs } from "./jobs.js";
import { readNodeRows } from "./nodes.js";

interface QueryResource {
  definitions(names?: readonly string[]): FieldDefinition[];
  /** The matching items' rows, sorted as Ganeti sorts query results (by name, jobs by id). */
  rows(names: readonly string[], filter: unknown): Promise<QueryValue[][]>;
}

function queryResource<T>(table: FieldTable<T>, items: () => Promise<T[]>): QueryResource {
  return {
    definitions: (names) => fieldDefinitions(table, names),
    rows: async (names, filter) => {
      // Compiled first, so that a bad filter costs no read.
      const matches = filter === undefined || filter === null ? () => true : compileFilter(table, filter);
      return (await items()).filter(matches).map((item) => queryRow(table, names, item));
    },
  };
}

/** The query resources alkor serves, by Ganeti's names (constants.QR_*). */
const RESOURCE_NAMES = ["node", "instance", "job"] as const;
type ResourceName = (typeof RESOURCE_NAMES)[number];

/** The `:resource` path parameter: a resource alkor can query, else 404. */
export function checkQueryResource(value: string): string {
  if (!(RESOURCE_NAMES as readonly string[]).includes(value)) {
    throw notFound(`There is no query resource ${JSON.stringify(value.slice(0, 64))}; alkor answers queries on ${RESOURCE_NAMES.slice(0, -1).join(", ")} and ${RESOURCE_NAMES.at(-1)}.`);
  }
  return value;
}

const MAX_FIELDS = 256;
const FieldNamesSchema = z.array(z.string().max(128)).max(MAX_FIELDS);
const QueryBodySchema = z.strictObject({
  fields: FieldNamesSchema.optional(),
  qfilter: z.unknown().optional(),
  // Ganeti's client sends the filter under both names (the old one until 2.7).
  filter: z.unknown().optional(),
});

/** Ganeti's comma-separated `fields` query parameter. */
function fieldsParameter(request: RapiRequest): string[] | undefined {
  const text = request.query.text("fields");
  if (text === undefined) return undefined;
  const names = text.split(",").map((name) => name.trim());
  if (names.length > MAX_FIELDS) throw badRequest(`At most ${MAX_FIELDS} fields can be queried at once.`);
  return names;
}

/** /2/query/RESOURCE and /2/query/RESOURCE/fields (rlib2's R_2_query, R_2_query_fields); a query is a read, also by PUT. */
export function queryRoutes(context: ResourceContext): Route[] {
  const { backend } = context;
  const resources: Record<ResourceName, QueryResource> = {
    node: queryResource(NODE_FIELDS, async () => (await readNodeRows(backend)).rows),
    instance: queryResource(INSTANCE_FIELDS, async () => (await backend.instances.list()).sort((a, b) => compareInstanceNames(a.name, b.name))),
    job: queryResource(JOB_FIELD_TABLE, async () => (await listJobs(backend)).map((job) => jobRow(job, (input) => backend.summarize(input)))),
  };
  const resourceOf = (request: RapiRequest): QueryResource => resources[request.params.resource as ResourceName];
  const query = async (request: RapiRequest, fields: string[] | undefined, filter: unknown) => {
    if (fields === undefined) throw badRequest("Missing 'fields' query argument.");
    const resource = resourceOf(request);
    return { json: { fields: resource.definitions(fields), data: await resource.rows(fields, filter) } };
  };

  return [
    {
      path: "/2/query/:resource",
      methods: {
        GET: { access: "read", query: { fields: "text" }, handle: (request) => query(request, fieldsParameter(request), undefined) },
        PUT: {
          access: "read",
          query: { fields: "text" },
          body: "json",
          handle: (request) => {
            const body = validBody(QueryBodySchema, request.body ?? {}, `PUT /2/query/${request.params.resource}`);
            return query(request, body.fields ?? fieldsParameter(request), body.qfilter ?? body.filter);
          },
        },
      },
    },
    {
      path: "/2/query/:resource/fields",
      methods: {
        GET: {
          access: "read",
          query: { fields: "text" },
          handle: async (request) => ({ json: { fields: resourceOf(request).definitions(fieldsParameter(request)) } }),
        },
      },
    },
  ];
}
