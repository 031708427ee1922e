import { parseSiteConfigText, siteConfigFromCmdline, type SiteConfig } from "../cluster/site-config.js";
import type { AgentConfig } from "./config.js";

/**
 * Where a node finds its site config, first match wins: the agent's own
 * config, the file the image carries (or a config drive put there), the
 * kernel command line.
 */
export async function loadSiteConfig(settings: AgentConfig["cluster"], read: (path: string) => Promise<string | undefined>): Promise<SiteConfig | null> {
  if (settings.site) return settings.site;
  const file = await read(settings.siteConfigFile);
  if (file !== undefined) return parseSiteConfigText(file, settings.siteConfigFile);
  const cmdline = await read(settings.kernelCmdline);
  return cmdline === undefined ? null : siteConfigFromCmdline(cmdline);
}
