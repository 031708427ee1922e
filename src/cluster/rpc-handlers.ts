import type { RpcImplementation } from "../transport/rpc.js";
import type { ClusterService } from "./cluster-service.js";
import type { ClusterRpcMethods } from "./rpc-methods.js";

/** How a node answers its peers' cluster requests. */
export function clusterRpcHandlers(cluster: ClusterService): RpcImplementation<ClusterRpcMethods> {
  return {
    "cluster.propose": ({ command }) => cluster.proposeLocal(command),
    "cluster.read": () => cluster.answerRead(),
    "cluster.join": (request) => cluster.answerJoin(request),
    "cluster.transfer": async ({ to }) => {
      cluster.answerTransfer(to);
      return {};
    },
    "cluster.adopt": async ({ clusterUuid, clusterName }) => {
      await cluster.adopt(clusterUuid, clusterName);
      return {};
    },
    "cluster.evict": async ({ clusterUuid }) => {
      await cluster.leave(clusterUuid);
      return {};
    },
  };
}
