import { clusterInfo, RAPI_VERSION } from "../cluster-info.js";
import { fillOpcode, INSTANCE_CREATE_REQV1 } from "../instance-opcodes.js";
import { METRICS_CONTENT_TYPE, renderMetrics } from "../metrics.js";
import type { Route } from "../router.js";
import { submitJob, type ResourceContext } from "./context.js";
import { readNodeRows } from "./nodes.js";
import { tagMethods } from "./tags.js";

/** /version, /2/info, /2/modify, /2/features, the cluster's tags (rlib2's R_version, R_2_info, R_2_cluster_modify, R_2_features, R_2_tags) and /metrics. */
export function clusterRoutes(context: ResourceContext): Route[] {
  const { backend } = context;
  return [
    { path: "/version", methods: { GET: { access: "read", handle: async () => ({ json: RAPI_VERSION }) } } },
    {
      path: "/2/info",
      methods: {
        GET: {
          access: "read",
          handle: async () => {
            const { state, masterName } = await backend.read();
            return { json: clusterInfo(state, masterName, backend.softwareVersion) };
          },
        },
      },
    },
    {
      // rlib2's R_2_cluster_modify: the body is OP_CLUSTER_SET_PARAMS's parameters, checked when the job is submitted.
      path: "/2/modify",
      methods: { PUT: { access: "write", body: "json", handle: (request) => submitJob(context, request, fillOpcode("OP_CLUSTER_SET_PARAMS", request.body, {})) } },
    },
    // Ganeti's features are request formats; alkor takes version 1 instance creation requests, not yet those of reinstallation and node migration and evacuation.
    { path: "/2/features", methods: { GET: { access: "read", handle: async () => ({ json: [INSTANCE_CREATE_REQV1] }) } } },
    { path: "/2/tags", methods: tagMethods(context, (state) => ({ tags: state.tags, target: { kind: "cluster" } })) },
    {
      path: "/metrics",
      methods: {
        GET: {
          access: "read",
          handle: async () => {
            const { state, rows } = await readNodeRows(backend);
            return { text: renderMetrics(state, rows), contentType: METRICS_CONTENT_TYPE };
          },
        },
      },
    },
  ];
}
