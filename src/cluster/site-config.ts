import { z } from "zod";
import { AlkorError } from "../model/errors.js";
import { NodeNameSchema } from "../model/node.js";

/**
 * Zero-touch formation: what the image (a file, or the kernel command line
 * of a PXE boot) tells a node about the cluster it is to form or join.
 */
export const SiteConfigSchema = z
  .object({
    clusterName: NodeNameSchema,
    /** IP or IP/prefix; held by the master. */
    clusterIp: z.string().min(1).max(64),
    joinToken: z.string().min(8, "must be at least 8 characters").max(256),
    /** Form the cluster once this many nodes with the token see each other. */
    expectedNodes: z.number().int().min(1).max(999),
    masterNetdev: z.string().min(1).max(15).optional(),
    candidatePoolSize: z.number().int().min(1).max(99).optional(),
  })
  .strict();
export type SiteConfig = z.infer<typeof SiteConfigSchema>;

export function parseSiteConfig(document: unknown, source: string): SiteConfig {
  const result = SiteConfigSchema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  throw new AlkorError("wrong_input", `Invalid site configuration in ${source}: ${problems.join("; ")}.`);
}

export function parseSiteConfigText(text: string, source: string): SiteConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AlkorError("wrong_input", `Site configuration ${source} is not valid JSON: ${(error as Error).message}.`);
  }
  return parseSiteConfig(document, source);
}

const cmdlineKeys: Record<string, keyof SiteConfig> = {
  "alkor.cluster": "clusterName",
  "alkor.cluster_ip": "clusterIp",
  "alkor.join_token": "joinToken",
  "alkor.expected_nodes": "expectedNodes",
  "alkor.master_netdev": "masterNetdev",
  "alkor.candidate_pool_size": "candidatePoolSize",
};

/** The site config from a kernel command line (`alkor.cluster=NAME alkor.cluster_ip=IP ...`); null when it has none. */
export function siteConfigFromCmdline(cmdline: string): SiteConfig | null {
  const document: Record<string, unknown> = {};
  for (const word of cmdline.trim().split(/\s+/)) {
    const equals = word.indexOf("=");
    const key = cmdlineKeys[equals < 0 ? word : word.slice(0, equals)];
    if (key === undefined) continue;
    const value = equals < 0 ? "" : word.slice(equals + 1);
    document[key] = key === "expectedNodes" || key === "candidatePoolSize" ? Number(value) : value;
  }
  if (Object.keys(document).length === 0) return null;
  return parseSiteConfig(document, "the kernel command line");
}
