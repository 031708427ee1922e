import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processExec } from "../../src/host/exec.js";
import { AlkorError } from "../../src/model/errors.js";
import { waitFor } from "./wait.js";
import { isAlive } from "../../src/lab/processes.js";

/**
 * A libvirtd (and its virtlogd) of the test's own, for real qemu domains
 * (TCG) in the integration tier, leaving the host as it found it.
 *
 * Run as root, libvirtd is "privileged" and its qemu driver's paths are fixed
 * at build time: /etc/libvirt/qemu.conf, /run/libvirt, /var/lib/libvirt,
 * /var/cache/libvirt, /var/log/libvirt (and /run/virtlogd's socket in
 * /run/libvirt); only the daemon's own sockets move (libvirtd.conf's
 * unix_sock_dir). qemu:///session is no way out: a root daemon is privileged
 * whatever the URI, and its qemu driver refuses /session. So the daemons run
 * in a private mount namespace (unshare --mount) where a tmpfs covers /run,
 * /var/lib, /var/cache and /var/log, and directories under this instance's
 * temp dir are bound over those libvirt paths and over /etc/libvirt. The
 * client side connects from the host's namespace to
 * qemu:///system?socket=<root>/sock/libvirt-sock.
 *
 * Debian's libvirtd looks up the libvirt-qemu user before it reads qemu.conf
 * and fails without it; that user comes from libvirt-daemon-system, which
 * would pull in a newer systemd. Inside the namespace, copies of /etc/passwd
 * and /etc/group with that user are bound over the host's, and qemu.conf
 * runs qemu as root (the guest is the test's own kernel and initramfs).
 *
 * stop() destroys the domains, ends libvirtd, then every process left in the
 * namespace (virtlogd, any qemu), which takes the mounts with it, and removes
 * the temp dir: no process, socket or file outside it remains. A run killed
 * before stop() is cleaned up by the next start().
 */
export class PrivateLibvirtd {
  private stopped = false;

  private constructor(
    /** The temp dir holding this instance's config, state, logs and sockets. */
    readonly root: string,
    /** The connection URI for virsh or a libvirt binding. */
    readonly uri: string,
    private readonly daemon: ChildProcess,
    private readonly exited: Promise<void>,
    /** The private mount namespace, as /proc/PID/ns/mnt reads (mnt:[inode]). */
    readonly namespace: string,
  ) {}

  static async start({ readyTimeoutMs = 60_000 }: { readyTimeoutMs?: number } = {}): Promise<PrivateLibvirtd> {
    await removeLeftoverInstances();
    await assertDirectory("/etc/libvirt", "libvirt-clients ships it; run scripts/qemu-test-deps.sh");
    const root = await mkdtemp(join(tmpdir(), `${dirPrefix}${process.pid}-`));
    try {
      await writeConfiguration(root);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
    const uri = `qemu:///system?socket=${join(root, "sock", "libvirt-sock")}`;
    const daemon = spawn("unshare", ["--mount", "--propagation", "private", "sh", "-c", namespaceScript, "private-libvirtd", root], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    daemon.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let exitStatus: string | undefined;
    const exited = new Promise<void>((resolve) => {
      daemon.once("error", (error) => ((exitStatus = error.message), resolve()));
      daemon.once("exit", (code, signal) => ((exitStatus = signal ?? `exit ${code}`), resolve()));
    });

    const deadline = Date.now() + readyTimeoutMs;
    let lastError: unknown;
    for (;;) {
      if (exitStatus !== undefined) {
        const log = await tail(join(root, "libvirtd.log"));
        await rm(root, { recursive: true, force: true });
        throw new AlkorError("environment_error", `The private libvirtd ended (${exitStatus}) before it answered: ${stderr.trim()} ${log}`.trim());
      }
      try {
        await processExec.run(["virsh", "-c", uri, "version"], { timeoutMs: 10_000 });
        break;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        const instance = new PrivateLibvirtd(root, uri, daemon, exited, await mountNamespaceOf(daemon.pid!).catch(() => ""));
        await instance.stop();
        throw new AlkorError("environment_error", `The private libvirtd did not answer within ${readyTimeoutMs} ms: ${(lastError as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // libvirtd answers only after the script's mounts, so it is in its namespace by now.
    const namespace = await mountNamespaceOf(daemon.pid!);
    if (namespace === (await readlink("/proc/self/ns/mnt"))) {
      daemon.kill("SIGKILL");
      await rm(root, { recursive: true, force: true });
      throw new AlkorError("internal_error", "The private libvirtd runs in the test's own mount namespace; unshare did not take effect.");
    }
    await writeFile(join(root, "mount-namespace"), namespace);
    return new PrivateLibvirtd(root, uri, daemon, exited, namespace);
  }

  /** Processes running in a mount namespace (zombies have none and are not counted). */
  static processesIn(namespace: string): Promise<number[]> {
    return processesIn(namespace);
  }

  /** This instance's processes: libvirtd, virtlogd, and the qemu of every running domain. */
  processes(): Promise<number[]> {
    return processesIn(this.namespace);
  }

  /** Runs virsh against this daemon; resolves with its stdout. */
  async virsh(args: readonly string[], timeoutMs = 60_000): Promise<string> {
    return (await processExec.run(["virsh", "-c", this.uri, ...args], { timeoutMs })).stdout;
  }

  /** The qemu log libvirt keeps of a domain (its command line and qemu's stderr). */
  domainLogPath(name: string): string {
    return join(this.root, "log", "qemu", `${name}.log`);
  }

  /** The tail of libvirtd's own log, for a failing test's message. */
  async logTail(lines = 30): Promise<string> {
    return tail(join(this.root, "libvirtd.log"), lines);
  }

  /** Destroys the domains, ends the daemons and every process in their namespace, and removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.daemon.exitCode === null && this.daemon.signalCode === null) {
      // Let libvirt end its qemus the ordinary way first.
      const running = await this.virsh(["list", "--name"], 10_000).catch(() => "");
      for (const name of running.split("\n").map((line) => line.trim()).filter(Boolean)) {
        await this.virsh(["destroy", name], 20_000).catch(() => undefined);
      }
      this.daemon.kill("SIGTERM");
      const ended = await Promise.race([this.exited.then(() => true), delay(15_000).then(() => false)]);
      if (!ended) {
        this.daemon.kill("SIGKILL");
        await this.exited;
      }
    }
    if (this.namespace) await endNamespace(this.namespace);
    await rm(this.root, { recursive: true, force: true });
  }
}

const dirPrefix = "alkor-libvirtd-";

// Run by `unshare --mount` as `sh -c SCRIPT private-libvirtd ROOT`: a fixed
// script, the one value passed as an argument. Mounts made here live only in
// the namespace and vanish with its last process.
const namespaceScript = `set -eu
root=$1
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir /run/libvirt
mount --bind "$root/run" /run/libvirt
for dir in lib cache log; do
  mount -t tmpfs -o mode=0755 tmpfs "/var/$dir"
  mkdir "/var/$dir/libvirt"
  mount --bind "$root/$dir" "/var/$dir/libvirt"
done
mount --bind "$root/etc" /etc/libvirt
mount --bind "$root/passwd" /etc/passwd
mount --bind "$root/group" /etc/group
virtlogd --daemon --config "$root/etc/virtlogd.conf" --pid-file "$root/virtlogd.pid"
exec libvirtd --config "$root/etc/libvirtd.conf" --pid-file "$root/libvirtd.pid"
`;

async function writeConfiguration(root: string): Promise<void> {
  for (const dir of ["etc", "run", "lib", "cache", "log", "sock"]) await mkdir(join(root, dir), { mode: 0o700 });
  // libvirtd.conf(5): sockets in the temp dir, for root only; no polkit (root is the only client).
  await writeFile(
    join(root, "etc", "libvirtd.conf"),
    [
      `unix_sock_dir = "${join(root, "sock")}"`,
      `unix_sock_ro_perms = "0700"`,
      `unix_sock_rw_perms = "0700"`,
      `unix_sock_admin_perms = "0700"`,
      `auth_unix_ro = "none"`,
      `auth_unix_rw = "none"`,
      `log_outputs = "3:file:${join(root, "libvirtd.log")}"`,
    ].join("\n") + "\n",
  );
  await writeFile(join(root, "etc", "virtlogd.conf"), `log_outputs = "3:file:${join(root, "virtlogd.log")}"\n`);
  await writeFile(
    join(root, "etc", "qemu.conf"),
    [
      // qemu runs as root: the libvirt-qemu user exists only in the namespace's /etc/passwd.
      `user = "root"`,
      `group = "root"`,
      // No AppArmor/SELinux labels, no cgroups (no systemd here to delegate them).
      `security_driver = "none"`,
      `cgroup_controllers = [ ]`,
      // qemu stays in this namespace (no per-domain mount namespace), so stop() finds it there.
      `namespaces = [ ]`,
      // Leave the kernel and initramfs files as they are: no chown, no xattrs remembering owners.
      `dynamic_ownership = 0`,
      `remember_owner = 0`,
    ].join("\n") + "\n",
  );
  const passwd = await readFile("/etc/passwd", "utf8");
  const group = await readFile("/etc/group", "utf8");
  const hasUser = passwd.split("\n").some((line) => line.startsWith("libvirt-qemu:"));
  const hasGroup = group.split("\n").some((line) => line.startsWith("libvirt-qemu:"));
  const id = freeId(passwd, group);
  await writeFile(join(root, "passwd"), hasUser ? passwd : `${passwd.trimEnd()}\nlibvirt-qemu:x:${id}:${id}:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin\n`);
  await writeFile(join(root, "group"), hasGroup ? group : `${group.trimEnd()}\nlibvirt-qemu:x:${id}:\n`);
}

/** An id no user or group of the host has: Debian's own for libvirt-qemu if free. */
function freeId(passwd: string, group: string): number {
  const taken = new Set([...passwd.split("\n"), ...group.split("\n")].map((line) => Number(line.split(":")[2])));
  let id = 64055;
  while (taken.has(id)) id += 1;
  return id;
}

async function mountNamespaceOf(pid: number): Promise<string> {
  return readlink(`/proc/${pid}/ns/mnt`);
}

/** Processes whose mount namespace is `namespace`; zombies have none and are not counted. */
async function processesIn(namespace: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const theirs = await readlink(`/proc/${entry}/ns/mnt`).catch(() => null);
    if (theirs === namespace) pids.push(Number(entry));
  }
  return pids;
}

/** Ends every process in the namespace: SIGTERM, then SIGKILL for those still there after 10 s. */
async function endNamespace(namespace: string, commands?: RegExp): Promise<void> {
  const members = async (): Promise<number[]> => {
    const pids = await processesIn(namespace);
    if (!commands) return pids;
    const named: number[] = [];
    for (const pid of pids) {
      const command = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
      if (commands.test(command.trim())) named.push(pid);
    }
    return named;
  };
  const signal = (pids: number[], name: NodeJS.Signals): void => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {
        // Already gone.
      }
    }
  };
  const left = await members();
  if (left.length === 0) return;
  signal(left, "SIGTERM");
  try {
    await waitFor("the private libvirtd's processes to end", async () => (await members()).length === 0, { timeoutMs: 10_000, pollMs: 100 });
  } catch {
    signal(await members(), "SIGKILL");
    await waitFor("the private libvirtd's processes to end after SIGKILL", async () => (await members()).length === 0, { timeoutMs: 10_000, pollMs: 100 });
  }
}

/**
 * Instances whose test process died before stop(): their daemons and qemus
 * still run in the namespace recorded in the temp dir. Only libvirt's own
 * processes are ended there, in case the namespace's id was reused.
 */
async function removeLeftoverInstances(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    const owner = new RegExp(`^${dirPrefix}(\\d+)-`).exec(entry)?.[1];
    if (owner === undefined || isAlive(Number(owner))) continue;
    const root = join(tmpdir(), entry);
    for (const namespace of await recordedNamespaces(root)) await endNamespace(namespace, /^(libvirtd|virtlogd|qemu-system-.*)$/);
    await rm(root, { recursive: true, force: true });
  }
}

/** The namespace start() recorded, or, for a run that died before that, the one its daemons' pid files lead to. */
async function recordedNamespaces(root: string): Promise<string[]> {
  const recorded = await readFile(join(root, "mount-namespace"), "utf8").catch(() => "");
  if (recorded) return [recorded];
  const namespaces = new Set<string>();
  for (const pidFile of ["libvirtd.pid", "virtlogd.pid"]) {
    const pid = Number((await readFile(join(root, pidFile), "utf8").catch(() => "")).trim());
    if (!pid) continue;
    const namespace = await mountNamespaceOf(pid).catch(() => "");
    if (namespace && namespace !== (await readlink("/proc/self/ns/mnt"))) namespaces.add(namespace);
  }
  return [...namespaces];
}

async function assertDirectory(path: string, hint: string): Promise<void> {
  const found = await stat(path).catch(() => null);
  if (!found?.isDirectory()) throw new AlkorError("environment_error", `${path} is missing, and the private libvirtd binds its config over it (${hint}).`);
}

async function tail(path: string, lines = 30): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
