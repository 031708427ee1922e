import type { ClusterService } from "../../../src/cluster/cluster-service.js";
import { clusterRpcHandlers } from "../../../src/cluster/rpc-handlers.js";
import { clusterRpcMethods, type ClusterRpcMethods } from "../../../src/cluster/rpc-methods.js";
import { AlkorError, asAlkorError, type ErrorCode } from "../../../src/model/errors.js";
import { wire } from "./network.js";
import type { Life, NodeWorld } from "./sim-node.js";

const defaultTimeoutMs = 5000;

type Reply = { ok: true; result: unknown } | { ok: false; code: ErrorCode; message: string };

/**
 * Cluster RPC as the real endpoint behaves: parameters and results
 * validated, errors carried by code, an unreachable node refused at once,
 * a request or answer lost on the way a timeout. An answer reaches only the
 * life of the caller that asked.
 */
export function callOverNetwork(
  world: Pick<NodeWorld, "clock" | "network" | "find">,
  caller: { name: string; life: Life },
  node: string,
  method: keyof ClusterRpcMethods,
  params: unknown,
  timeoutMs = defaultTimeoutMs,
): Promise<unknown> {
  const schema = clusterRpcMethods[method];
  const handle = async (target: ClusterService): Promise<unknown> => {
    const handler = clusterRpcHandlers(target)[method] as (params: unknown, from: { node: string }) => Promise<unknown>;
    return schema.result.parse(wire(await handler(schema.params.parse(wire(params)), { node: caller.name })));
  };
  if (node === caller.name) return handle(caller.life.service);
  return new Promise((resolve, reject) => {
    const timer = world.clock.view(caller.life).after(timeoutMs, () => reject(new AlkorError("timeout", `Node ${node} did not answer ${method} within ${timeoutMs} ms.`)));
    const answer = (reply: Reply): void => {
      if (!caller.life.alive) return;
      timer.cancel();
      if (reply.ok) resolve(reply.result);
      else reject(new AlkorError(reply.code, reply.message));
    };
    const sent = world.network.send(caller.name, node, () => {
      const target = world.find(node)?.currentLife;
      if (!target) return;
      void handle(target.service)
        .then(
          (result): Reply => ({ ok: true, result }),
          (error: unknown): Reply => ({ ok: false, ...asAlkorError(error).toJSON() }),
        )
        .then((reply) => {
          if (target.alive) world.network.send(node, caller.name, () => answer(reply));
        });
    });
    if (!sent) {
      timer.cancel();
      reject(new AlkorError("environment_error", `Node ${node} cannot be reached: there is no live link to its broker.`));
    }
  });
}
