import { hashRapiPassword } from "../src/api/rapi/users.js";
import { agreedMaster } from "../src/demo/cluster-probe.js";
import type { LocalCluster } from "../src/demo/local-cluster.js";
import { cryptoRandom } from "../src/host/random.js";
import type { Answer, Credentials } from "../test/helpers/rapi-client.js";

/** Polls a probe every 50 ms until it says yes; a probe that throws says no. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the benches' cluster with a RAPI user who may write, and waits until it has a master and its RAPI answers on the cluster IP; resolves with the master's name. */
export async function startWithRapi(cluster: LocalCluster, user: Credentials, call: (method: string, path: string) => Promise<Answer>): Promise<string> {
  await cluster.writeRapiUsers([`${user.user} ${await hashRapiPassword(user.password, cryptoRandom)} write`]);
  await cluster.start();
  const sockets = cluster.nodes.map((node) => node.controlSocket);
  let master: string | null = null;
  await until("the cluster to form", async () => (master = await agreedMaster(sockets)) !== null);
  await until("the RAPI on the cluster IP", async () => (await call("GET", "/version").catch(() => null))?.status === 200);
  return master!;
}
