import { join } from "node:path";
import { LocalCluster } from "../../src/demo/local-cluster.js";

/**
 * Three real agents on PREFIX.1-3 that form cluster `name` by themselves from
 * a site config, as appliance nodes do, with the cluster IP PREFIX.254 on lo.
 */
export function siteCluster(options: { baseDir: string; prefix: string; name: string; fastMembership?: boolean; logLevel?: "warn" | "info" }): LocalCluster {
  const { baseDir, prefix, name } = options;
  return new LocalCluster({
    baseDir,
    clusterId: `${name}test`,
    count: 3,
    addressPrefix: prefix,
    ...(options.fastMembership === false ? {} : { membership: { heartbeatIntervalMs: 250, suspectAfterMs: 1000, deadAfterMs: 2500 } }),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    configOverrides: {
      cluster: {
        site: { clusterName: name, clusterIp: `${prefix}.254/32`, masterNetdev: "lo", joinToken: `${name}-join-token`, expectedNodes: 3 },
        siteConfigFile: join(baseDir, "no-site.json"),
        kernelCmdline: join(baseDir, "no-cmdline"),
      },
    },
  });
}
