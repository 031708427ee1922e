import { z } from "zod";
import type { Clock } from "../host/clock.js";
import type { DurableFiles } from "../host/durable-file.js";
import type { Random } from "../host/random.js";
import { AlkorError } from "../model/errors.js";
import { NodeNameSchema } from "../model/node.js";
import { openStateStore } from "./state-store.js";

/** Who this node is; chosen at its first start and kept for its whole life. */
export const NodeIdentitySchema = z
  .object({
    uuid: z.uuid(),
    name: NodeNameSchema,
    createdAt: z.iso.datetime(),
  })
  .strict();

export type NodeIdentity = z.infer<typeof NodeIdentitySchema>;

export const identityFileName = "identity.json";

export interface IdentityContext {
  stateDir: string;
  /** The config's nodeName, when the operator set one. */
  configuredName: string | undefined;
  /** The machine's host name, used when no name is configured. */
  hostName: string;
  clock: Clock;
  random: Random;
  files?: DurableFiles;
}

export interface LoadedIdentity {
  identity: NodeIdentity;
  /** True on the node's first start, when the identity was just chosen. */
  created: boolean;
}

/**
 * Reads the node's identity from the state directory, or chooses and stores
 * it on the first start. Peers know the node by its UUID and name, so a
 * configured name that no longer matches is refused rather than taken.
 */
export async function loadOrCreateIdentity(context: IdentityContext): Promise<LoadedIdentity> {
  const store = await openStateStore<NodeIdentity | null>({
    dir: context.stateDir,
    fileName: identityFileName,
    defaults: null,
    schema: NodeIdentitySchema.nullable(),
    files: context.files,
  });

  const stored = store.data;
  if (stored !== null) {
    if (context.configuredName !== undefined && context.configuredName !== stored.name) {
      throw new AlkorError(
        "wrong_input",
        `The configured nodeName "${context.configuredName}" differs from this node's name "${stored.name}" kept in ${context.stateDir}/${identityFileName}. ` +
          `Renaming a node is not supported yet: set nodeName back to "${stored.name}" or remove it from the configuration.`,
        { configuredName: context.configuredName, storedName: stored.name },
      );
    }
    return { identity: stored, created: false };
  }

  const identity: NodeIdentity = {
    uuid: context.random.uuid(),
    name: chooseName(context),
    createdAt: new Date(context.clock.now()).toISOString(),
  };
  store.data = identity;
  await store.write();
  return { identity, created: true };
}

function chooseName(context: IdentityContext): string {
  if (context.configuredName !== undefined) return context.configuredName;
  const parsed = NodeNameSchema.safeParse(context.hostName);
  if (parsed.success) return parsed.data;
  throw new AlkorError(
    "wrong_input",
    `The host name "${context.hostName}" cannot be a node name (${parsed.error.issues[0]?.message ?? "invalid"}); set nodeName in the configuration.`,
    { hostName: context.hostName },
  );
}
