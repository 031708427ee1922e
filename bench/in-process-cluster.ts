import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { Agent } from "../src/agent/agent.js";
import { parseAgentConfig } from "../src/agent/config.js";
import { systemClock } from "../src/host/clock.js";
import { fsProfileFiles } from "../src/host/hw/profile-files.js";
import { recordedSystemInfo } from "../src/host/hw/systeminformation-source.js";
import { liveNodeStats } from "../src/host/node-stats.js";
import { cryptoRandom } from "../src/host/random.js";
import { processExec } from "../src/host/exec.js";
import { IpCommandClusterAddress } from "../src/host/net/cluster-address.js";
import { makeSelfSignedCertificate } from "../src/host/tls/self-signed.js";

const repoRoot = process.cwd();

/**
 * N agents in this one process, with real brokers and links on loopback: the
 * discovery protocol alone, without N Node runtimes starting on two cores.
 * Every agent replays this machine's recorded hardware instead of reading it.
 */
export async function startInProcessCluster(count: number, addressPrefix: string, baseDir: string) {
  const recording = JSON.parse(await readFile(join(repoRoot, "test", "fixtures", "systeminformation", "this-machine.json"), "utf8"));
  const log = pino({ level: "warn" });
  const clusterAddress = new IpCommandClusterAddress(processExec, log);
  const names = Array.from({ length: count }, (_, index) => `node${index + 1}`);
  const sockets = names.map((name) => join(baseDir, `${name}.sock`));
  const agents = names.map((name, index) => {
    const config = parseAgentConfig(
      {
        clusterId: "bench",
        nodeName: name,
        stateDir: join(baseDir, name),
        controlSocket: sockets[index],
        management: { address: `${addressPrefix}.${index + 1}`, brokerPort: 1883 },
        discovery: { seeds: [`${addressPrefix}.1:1883`] },
      },
      "bench",
    );
    return new Agent(config, {
      clock: systemClock,
      random: cryptoRandom,
      log,
      hostName: name,
      version: "bench",
      readSystemInfo: () => recordedSystemInfo(recording),
      makeCertificate: (commonName) => makeSelfSignedCertificate(processExec, commonName, 1),
      profileFiles: fsProfileFiles,
      profilesDir: join(repoRoot, "hw-profiles"),
      stats: liveNodeStats(baseDir),
      // No site config and no join token: these agents never form a cluster, so the cluster IP is never touched.
      site: null,
      clusterAddress,
      deviceOf: (address) => clusterAddress.deviceOf(address),
      fatal: (error) => {
        throw error;
      },
    });
  });
  await Promise.all(agents.map((agent) => agent.start()));
  return {
    names,
    sockets,
    stop: () => Promise.all(agents.map((agent) => agent.stop())),
  };
}
