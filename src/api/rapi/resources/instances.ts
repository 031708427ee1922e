import { InstanceNameSchema, type Instance } from "../../../cluster/state/instance-schema.js";
import type { ClusterState } from "../../../cluster/state/schema.js";
import { badRequest, notFound, type RapiError } from "../errors.js";
import { bulkInstance, compareInstanceNames } from "../instance-fields.js";
import { dryRunStatic, fillOpcode, instanceCreateOpcode, rebootType } from "../instance-opcodes.js";
import type { Endpoint, RapiRequest, Route } from "../router.js";
import { submitJob, type ResourceContext } from "./context.js";
import { tagMethods } from "./tags.js";

/** The `:instance` path parameter: a host name (Ganeti's instance names are), else 400. */
export function checkInstanceName(value: string): string {
  if (!InstanceNameSchema.safeParse(value).success) throw badRequest(`${JSON.stringify(value.slice(0, 256))} is not a valid instance name.`);
  return value;
}

/** The `:disk` path parameter: a disk index (an instance has at most 16 disks), else 400. */
export function checkDiskIndex(value: string): string {
  if (!/^(0|[1-9][0-9]?)$/.test(value)) throw badRequest(`${JSON.stringify(value.slice(0, 64))} is not a disk index (0, 1, 2, ...).`);
  return value;
}

function unknownInstance(name: string): RapiError {
  return notFound(`Instance ${name} does not exist.`);
}

/** The configured instance of that name, or a 404 naming it. */
export function instanceByName(state: ClusterState, name: string): Instance {
  const instance = Object.values(state.instances).find((candidate) => candidate.name === name);
  if (instance === undefined) throw unknownInstance(name);
  return instance;
}

/**
 * /2/instances and the paths under it (rlib2's R_2_instances*). A write to
 * an instance that is not configured is a 404 at once rather than a job
 * that fails; every write answers the new job's id.
 */
export function instanceRoutes(context: ResourceContext): Route[] {
  const { backend } = context;
  const name = (request: RapiRequest): string => request.params.instance!;

  /** A write on one instance: checks that it exists, then submits the opcode the request makes. */
  const write = (options: Omit<Endpoint, "access" | "handle">, opcode: (request: RapiRequest) => ReturnType<typeof fillOpcode>): Endpoint => ({
    access: "write",
    ...options,
    handle: async (request) => {
      // Built first, so that a bad request costs no read.
      const op = opcode(request);
      instanceByName((await backend.read()).state, name(request));
      return submitJob(context, request, op);
    },
  });

  return [
    {
      path: "/2/instances",
      methods: {
        GET: {
          access: "read",
          query: { bulk: "flag" },
          handle: async (request) => {
            if (request.query.flag("bulk")) {
              const views = (await backend.instances.list()).sort((a, b) => compareInstanceNames(a.name, b.name));
              return { json: views.map(bulkInstance) };
            }
            // Names only come from the configuration: no node is asked.
            const names = Object.values((await backend.read()).state.instances)
              .map((instance) => instance.name)
              .sort(compareInstanceNames);
            return { json: names.map((id) => ({ id, uri: `/2/instances/${id}` })) };
          },
        },
        POST: {
          access: "write",
          query: { "dry-run": "flag" },
          body: "json",
          handle: (request) => submitJob(context, request, instanceCreateOpcode(request.body, request.query.flag("dry-run"))),
        },
      },
    },
    {
      path: "/2/instances/:instance",
      methods: {
        GET: { access: "read", handle: async (request) => ({ json: bulkInstance(await backend.instances.get(name(request))) }) },
        // Ganeti's client sends the opcode's other parameters (shutdown_timeout) in the body.
        DELETE: write({ query: { "dry-run": "flag" }, body: "json" }, (request) =>
          fillOpcode("OP_INSTANCE_REMOVE", request.body, { instance_name: name(request), ignore_failures: false, dry_run: dryRunStatic(request.query.flag("dry-run")) }),
        ),
      },
    },
    {
      // A job even though it only reads (Ganeti's OP_INSTANCE_QUERY_DATA), so any user may; the answer is its id.
      path: "/2/instances/:instance/info",
      methods: {
        GET: {
          access: "read",
          query: { static: "flag" },
          handle: async (request) => {
            const op = fillOpcode("OP_INSTANCE_QUERY_DATA", {}, { instances: [name(request)], static: request.query.flag("static") });
            instanceByName((await backend.read()).state, name(request));
            return submitJob(context, request, op);
          },
        },
      },
    },
    {
      path: "/2/instances/:instance/startup",
      methods: {
        PUT: write({ query: { force: "flag", no_remember: "flag", "dry-run": "flag" } }, (request) =>
          fillOpcode("OP_INSTANCE_STARTUP", {}, {
            instance_name: name(request),
            force: request.query.flag("force"),
            no_remember: request.query.flag("no_remember"),
            dry_run: dryRunStatic(request.query.flag("dry-run")),
          }),
        ),
      },
    },
    {
      path: "/2/instances/:instance/shutdown",
      methods: {
        PUT: write({ query: { no_remember: "flag", "dry-run": "flag" }, body: "json" }, (request) =>
          fillOpcode("OP_INSTANCE_SHUTDOWN", request.body, {
            instance_name: name(request),
            no_remember: request.query.flag("no_remember"),
            dry_run: dryRunStatic(request.query.flag("dry-run")),
          }),
        ),
      },
    },
    {
      path: "/2/instances/:instance/reboot",
      methods: {
        POST: write({ query: { type: "text", ignore_secondaries: "flag", "dry-run": "flag" }, body: "json" }, (request) =>
          fillOpcode("OP_INSTANCE_REBOOT", request.body, {
            instance_name: name(request),
            reboot_type: rebootType(request.query.text("type")),
            ignore_secondaries: request.query.flag("ignore_secondaries"),
            dry_run: dryRunStatic(request.query.flag("dry-run")),
          }),
        ),
      },
    },
    {
      path: "/2/instances/:instance/modify",
      methods: {
        // rlib2 takes the names /2/instances/NAME shows for what the instance sets itself.
        PUT: write({ body: "json" }, (request) =>
          fillOpcode("OP_INSTANCE_SET_PARAMS", request.body, { instance_name: name(request) }, { custom_beparams: "beparams", custom_hvparams: "hvparams" }),
        ),
      },
    },
    {
      path: "/2/instances/:instance/rename",
      methods: { PUT: write({ body: "json" }, (request) => fillOpcode("OP_INSTANCE_RENAME", request.body, { instance_name: name(request) })) },
    },
    {
      path: "/2/instances/:instance/activate-disks",
      methods: {
        PUT: write({ query: { ignore_size: "flag" } }, (request) =>
          fillOpcode("OP_INSTANCE_ACTIVATE_DISKS", {}, { instance_name: name(request), ignore_size: request.query.flag("ignore_size") }),
        ),
      },
    },
    {
      path: "/2/instances/:instance/deactivate-disks",
      methods: {
        PUT: write({ query: { force: "flag" } }, (request) => fillOpcode("OP_INSTANCE_DEACTIVATE_DISKS", {}, { instance_name: name(request), force: request.query.flag("force") })),
      },
    },
    {
      path: "/2/instances/:instance/recreate-disks",
      methods: { POST: write({ body: "json" }, (request) => fillOpcode("OP_INSTANCE_RECREATE_DISKS", request.body, { instance_name: name(request) })) },
    },
    {
      path: "/2/instances/:instance/disk/:disk/grow",
      methods: {
        POST: write({ body: "json" }, (request) =>
          fillOpcode("OP_INSTANCE_GROW_DISK", request.body, { instance_name: name(request), disk: Number(request.params.disk) }),
        ),
      },
    },
    {
      path: "/2/instances/:instance/tags",
      methods: tagMethods(context, (state, request) => {
        const instance = instanceByName(state, name(request));
        return { tags: instance.tags, target: { kind: "instance", name: instance.name } };
      }),
    },
  ];
}
