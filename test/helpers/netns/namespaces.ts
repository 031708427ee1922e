import { processExec } from "../../../src/host/exec.js";
import { waitFor } from "../wait.js";

/** Runs `ip ARGS`; a failure carries ip's own message. */
export function ip(...args: string[]): Promise<string> {
  return processExec.run(["ip", ...args]).then((result) => result.stdout);
}

export async function listNamespaces(): Promise<string[]> {
  const text = (await ip("-j", "netns", "list")).trim();
  // ip prints nothing at all, not [], when there is no namespace.
  return text === "" ? [] : (JSON.parse(text) as Array<{ name: string }>).map((entry) => entry.name);
}

/** A new namespace with its loopback up: an agent reaches its own broker at its address through lo. */
export async function addNamespace(namespace: string): Promise<void> {
  await ip("netns", "add", namespace);
  await ip("-n", namespace, "link", "set", "lo", "up");
}

/** The pids of every process whose network namespace it is. */
export async function pidsIn(namespace: string): Promise<number[]> {
  const text = await ip("netns", "pids", namespace);
  return text.split("\n").filter((line) => line.trim() !== "").map(Number);
}

/**
 * Kills every process in the namespace, waits until none is left, then
 * deletes it: a namespace outlives its name while a process is still in it.
 * Deleting one that is already gone does nothing.
 */
export async function deleteNamespace(namespace: string): Promise<void> {
  try {
    for (const pid of await pidsIn(namespace)) killQuietly(pid);
    await waitFor(`the processes in ${namespace} to end`, async () => (await pidsIn(namespace)).length === 0, { timeoutMs: 5000 });
    await ip("netns", "delete", namespace);
  } catch (error) {
    // Gone already: deleted before, or by a concurrent run's sweep of leftovers.
    if ((await listNamespaces()).includes(namespace)) throw error;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    // Ended between the listing and the kill.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
