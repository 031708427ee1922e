import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hashRapiPassword } from "../api/rapi/users.js";
import { cryptoRandom } from "../host/random.js";
import { agreedMaster } from "./cluster-probe.js";
import { LocalCluster } from "./local-cluster.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const convergeTimeoutMs = 60_000;

function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/**
 * `make demo`: three real agents on 127.0.10.1-3, each with its own state
 * directory and control socket, in the foreground until Ctrl-C.
 */
async function main(): Promise<void> {
  const baseDir = process.env.ALKOR_DEMO_DIR ?? join(tmpdir(), "alkor-demo");
  const addressPrefix = process.env.ALKOR_DEMO_ADDRESS_PREFIX ?? "127.0.10";
  const clusterIp = `${addressPrefix}.254`;
  // The nodes form cluster "demo" by themselves, as appliance nodes do from the site config in their image.
  // All three share this host's loopback, so the cluster IP goes on lo.
  const cluster = new LocalCluster({
    baseDir,
    clusterId: "demo",
    count: 3,
    addressPrefix,
    configOverrides: {
      cluster: {
        site: { clusterName: "demo", clusterIp: `${clusterIp}/32`, masterNetdev: "lo", joinToken: "demo-join-token", expectedNodes: 3 },
        siteConfigFile: join(baseDir, "no-site.json"),
        kernelCmdline: join(baseDir, "no-cmdline"),
      },
    },
  });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the demo agents...`);
    await cluster.stop();
    say("All demo agents have stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  // A user with write rights for the RAPI, with a password new on every run.
  const apiPassword = randomBytes(12).toString("base64url");
  await cluster.writeRapiUsers([`demo ${await hashRapiPassword(apiPassword, cryptoRandom)} write`]);
  say(`Starting 3 alkor agents (cluster "demo") on ${addressPrefix}.1-3 under ${baseDir} ...`);
  await cluster.start();
  const names = cluster.nodes.map((node) => node.name);
  const startedAt = Date.now();
  while (!(await cluster.converged(names, names))) {
    if (stopping) return;
    if (Date.now() - startedAt > convergeTimeoutMs) {
      say(`The agents did not all see each other within ${convergeTimeoutMs / 1000} s; see the logs below.`);
      for (const node of cluster.nodes) say(`  ${node.name}: ${node.logPath}`);
      await stop("timeout");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  say(`All 3 agents see each other (${((Date.now() - startedAt) / 1000).toFixed(1)} s).`);
  const sockets = cluster.nodes.map((node) => node.controlSocket);
  let master: string | null = null;
  while ((master = await agreedMaster(sockets)) === null) {
    if (stopping) return;
    if (Date.now() - startedAt > convergeTimeoutMs) {
      say(`The agents did not form a cluster within ${convergeTimeoutMs / 1000} s; see the logs:`);
      for (const node of cluster.nodes) say(`  ${node.name}: ${node.logPath}`);
      await stop("timeout");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  say(`Cluster "demo" is formed (${((Date.now() - startedAt) / 1000).toFixed(1)} s): the master is ${master}, holding the cluster IP ${clusterIp} on lo.`);
  say();
  say("Talk to a node from another shell; pick one of:");
  for (const node of cluster.nodes) say(`  export ALKOR_ENDPOINT=unix:${node.controlSocket}   # ${node.name} at ${node.address}:${node.port}, log ${node.logPath}`);
  say(`  export PATH="${join(repoRoot, "bin")}:$PATH"`);
  say();
  say("Then try:");
  say("  alkor-cluster getmaster");
  say("  alkor-cluster info");
  say("  alkor-node list");
  say("  alkor-cluster master-failover       # on a node that is not the master: it takes over");
  say("  alkor-node list -o name,status,address,uuid,lastseen");
  say("  alkor-node info node2");
  say(`  kill -9 $(pgrep -f ${join(baseDir, "node3")})   # node3 turns suspect, then dead; if it was the master, another takes over`);
  say();
  say("Instances (each node drives libvirt's in-memory test driver, so nothing really boots; file disks are real files in the node's directory):");
  say("  alkor-os list");
  say("  alkor-instance add -o alkor-image+blank -t file -s 1G -B memory=512 web1     # the allocator picks the node");
  say("  alkor-instance add -n node2 -o alkor-image+blank -t diskless -B maxmem=512,minmem=128 --no-start db1");
  say("  alkor-instance list");
  say("  alkor-instance info web1");
  say("  alkor-instance startup db1 && alkor-instance shutdown web1");
  say("  alkor-instance modify -m 256M db1      # memory of the running instance, within its maxmem");
  say("  alkor-instance remove -f web1");
  say("  alkor-cluster verify");
  say();
  say(`The RAPI (Ganeti-compatible, HTTPS with the cluster's self-signed certificate) is at https://${clusterIp}:5080, user demo, password ${apiPassword}:`);
  say(`  curl -k -u demo:${apiPassword} https://${clusterIp}:5080/2/info`);
  say(`  curl -k -u demo:${apiPassword} -X PUT 'https://${clusterIp}:5080/2/tags?tag=hello'   # a job; then /2/jobs/ID`);
  say(`  curl -k -u demo:${apiPassword} 'https://${clusterIp}:5080/2/instances?bulk=1'`);
  say(`  alkor-cluster add-tags owner:me && alkor-job list    # the same through the commands`);
  say();
  say("Ctrl-C stops all three agents.");
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(1);
});
