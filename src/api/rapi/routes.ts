import { clusterRoutes } from "./resources/cluster.js";
import type { ResourceContext } from "./resources/context.js";
import { checkDiskIndex, checkInstanceName, instanceRoutes } from "./resources/instances.js";
import { checkJobId, jobRoutes } from "./resources/jobs.js";
import { checkNodeName, nodeRoutes } from "./resources/nodes.js";
import { osRoutes } from "./resources/os.js";
import { checkQueryResource, queryRoutes } from "./resources/query.js";
import { Router } from "./router.js";

/** Every path the RAPI serves, with the checks of their parameters. */
export function rapiRouter(context: ResourceContext): Router {
  return new Router([...clusterRoutes(context), ...nodeRoutes(context), ...instanceRoutes(context), ...osRoutes(context), ...jobRoutes(context), ...queryRoutes(context)], {
    node: checkNodeName,
    instance: checkInstanceName,
    disk: checkDiskIndex,
    job: checkJobId,
    resource: checkQueryResource,
  });
}
