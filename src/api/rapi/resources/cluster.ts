import { clusterInfo, RAPI_VERSION } from "../cluster-info.js";
import { METRICS_CONTENT_TYPE, renderMetrics } from "../metrics.js";
import type { Route } from "../router.js";
import type { ResourceContext } from "./context.js";
import { readNodeRows } from "./nodes.js";
import { tagMethods } from "./tags.js";

/** /version, /2/info, /2/features, the cluster's tags (rlib2's R_version, R_2_info, R_2_features, R_2_tags) and /metrics. */
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
    // Ganeti's features are request formats for instance creation, reinstallation and node migration and evacuation, which alkor's RAPI does not take yet.
    { path: "/2/features", methods: { GET: { access: "read", handle: async () => ({ json: [] }) } } },
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
