#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { fsProfileFiles } from "../host/hw/profile-files.js";
import { processSystemInfo } from "../host/hw/systeminformation-process.js";
import { makeSelfSignedCertificate } from "../host/tls/self-signed.js";
import { systemClock } from "../host/clock.js";
import { processExec } from "../host/exec.js";
import { liveNodeStats } from "../host/node-stats.js";
import { cryptoRandom } from "../host/random.js";
import { FileRaftStorage } from "../cluster/raft-storage.js";
import { fileHeldMarker, HELD_MARKER_FILE } from "../cluster/cluster-ip-holder.js";
import { releaseStaleClusterIp } from "../cluster/stale-cluster-ip.js";
import { localDurableFiles } from "../host/durable-file.js";
import { IpCommandClusterAddress } from "../host/net/cluster-address.js";
import { asAlkorError } from "../model/errors.js";
import { loadSiteConfig } from "./site-config-source.js";
import { instancePorts } from "./instance-ports.js";
import { Agent } from "./agent.js";
import { parseAgentConfigText, type AgentConfig } from "./config.js";
import { findPackageRoot } from "./package-root.js";
import { createLogger } from "./logger.js";
import { SystemdNotifier, systemdNotifyTool } from "./systemd-notify.js";

/** Ten years, as Ganeti's cluster certificate: it is replaced by hand when it must be. */
const certificateDays = 3650;

const defaultConfigPath = "/etc/alkor/alkord.json";

/** The default path may be absent (every setting has a default); a path the operator named may not. */
async function loadConfig(path: string, explicit: boolean): Promise<AgentConfig> {
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (explicit || (error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`Cannot read the configuration file ${path}: ${(error as Error).message}`);
    }
  }
  return parseAgentConfigText(text, path);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("alkord")
    .description("The alkor node agent.")
    .option("-c, --config <path>", "configuration file", defaultConfigPath)
    .option("--check-config", "validate the configuration, print it with its defaults and exit")
    .option("--release-cluster-ip", "remove the cluster IP from this host, if it is there, and exit (systemd runs this after the agent stops, however it stopped)")
    .parse(argv);
  const options = program.opts<{ config: string; checkConfig?: boolean; releaseClusterIp?: boolean }>();
  const config = await loadConfig(options.config, program.getOptionValueSource("config") === "cli");
  if (options.checkConfig) {
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return;
  }

  const log = createLogger(config.log.level, { service: "alkord", pid: process.pid });
  if (options.releaseClusterIp) {
    const address = new IpCommandClusterAddress(processExec, log);
    const outcome = await releaseStaleClusterIp({
      storage: new FileRaftStorage(join(config.stateDir, "raft"), localDurableFiles),
      address,
      deviceOf: (held) => address.deviceOf(held),
      managementAddress: config.management.address,
      marker: fileHeldMarker(localDurableFiles, join(config.stateDir, HELD_MARKER_FILE)),
      log,
    });
    log.info(outcome);
    return;
  }
  // The notifier keeps its own copy: with NotifyAccess=all, a process the agent starts
  // (the hardware reader, host tools) must not be able to speak to systemd for it.
  const systemdEnv = { ...process.env };
  for (const name of ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]) delete process.env[name];
  const alkorPackage = findPackageRoot(import.meta.url);
  const site = await loadSiteConfig(config.cluster, readIfExists);
  const clusterAddress = new IpCommandClusterAddress(processExec, log.child({ component: "cluster-ip" }));
  const agent = new Agent(config, {
    clock: systemClock,
    random: cryptoRandom,
    log,
    hostName: hostname(),
    version: alkorPackage.version,
    timeZone: process.env.TZ ?? "",
    readSystemInfo: processSystemInfo,
    makeCertificate: (commonName) => makeSelfSignedCertificate(processExec, commonName, certificateDays),
    profileFiles: fsProfileFiles,
    profilesDir: config.profilesDir ?? join(alkorPackage.root, "hw-profiles"),
    stats: liveNodeStats(config.stateDir),
    readiness: new SystemdNotifier({ env: systemdEnv, pid: process.pid, clock: systemClock, sender: systemdNotifyTool(processExec), log }),
    site,
    clusterAddress,
    deviceOf: (address) => clusterAddress.deviceOf(address),
    instances: instancePorts(config, alkorPackage.root, log),
    fatal: (error) => {
      // Raft's promises rest on what is on disk; a node that cannot write must not go on voting.
      log.fatal({ err: error }, `Cluster state could not be written; the agent stops: ${asAlkorError(error).message}`);
      process.exit(1);
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = (signal: string): void => {
    if (stopping) return;
    log.info({ signal }, `Received ${signal}; stopping.`);
    stopping = agent.stop().then(
      () => {
        log.info("The agent has stopped.");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "The agent did not stop cleanly.");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  try {
    await agent.start();
  } catch (error) {
    log.fatal({ err: error }, `The agent could not start: ${asAlkorError(error).message}`);
    await agent.stop();
    process.exit(1);
  }
  log.info({ brokerPort: agent.brokerPort, controlSocket: config.controlSocket }, "The agent is running.");
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`alkord: ${asAlkorError(error).message}\n`);
  process.exit(1);
});
