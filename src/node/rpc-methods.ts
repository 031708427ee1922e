import { z } from "zod";
import { HardwareProfileSchema } from "../host/hw/profile.js";
import { InventorySchema } from "../host/hw/inventory.js";
import type { RpcMethodMap } from "../transport/rpc.js";

/** The methods every node agent serves to its peers over MQTT RPC. */
export const nodeRpcMethods = {
  /** The node's full hardware inventory and the profile it matched. */
  "node.inventory": {
    params: z.object({}).strict(),
    result: z.object({ inventory: InventorySchema, profile: HardwareProfileSchema, profileReason: z.string() }),
  },
} satisfies RpcMethodMap;

export type NodeRpcMethods = typeof nodeRpcMethods;
