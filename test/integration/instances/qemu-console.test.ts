import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { InstanceBodySchema, instancePath } from "../../../src/api/local/contract.js";
import { getJson } from "../../../src/cli/endpoint.js";
import { agreedMaster } from "../../../src/demo/cluster-probe.js";
import { LocalCluster } from "../../../src/demo/local-cluster.js";
import { runAlkor } from "../../helpers/alkor-command.js";
import { PrivateLibvirtd } from "../../helpers/private-libvirtd.js";
import { tinyGuest, type TinyGuest } from "../../helpers/tiny-guest.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * An instance on a real libvirtd and a real qemu (TCG): Debian's kernel and a
 * busybox initramfs booted directly, added and started by alkor-instance,
 * read and typed into through alkor-instance console, then stopped.
 */
const bootTimeoutMs = 90_000;
let baseDir: string;
let kit: TinyGuest;
let libvirtd: PrivateLibvirtd;
let cluster: LocalCluster;

test.before(async (t) => {
  kit = await tinyGuest();
  libvirtd = await PrivateLibvirtd.start();
  baseDir = await mkdtemp(join(tmpdir(), "alkor-qemu-console-"));
  const dir = join(baseDir, "node1");
  cluster = new LocalCluster({
    baseDir,
    clusterId: "qemutest",
    count: 1,
    addressPrefix: "127.0.63",
    configOverrides: {
      cluster: {
        site: { clusterName: "qemu", clusterIp: "127.0.63.254/32", masterNetdev: "lo", joinToken: "qemu-join-token", expectedNodes: 1 },
        siteConfigFile: join(baseDir, "no-site.json"),
        kernelCmdline: join(baseDir, "no-cmdline"),
      },
      instances: {
        hypervisorUri: libvirtd.uri,
        domainType: "qemu",
        fileStorageDir: join(dir, "file-storage"),
        consoleDir: join(dir, "consoles"),
        osLogDir: join(dir, "os-logs"),
        osSearchPath: [],
      },
    },
  });
  await cluster.start();
  await waitFor("the one-node cluster to form", async () => (await agreedMaster([cluster.node("node1").controlSocket])) !== null, { timeoutMs: 30_000 });
  t.log(`libvirtd at ${libvirtd.uri}; kernel ${kit.kernelRelease}`);
});

test.after.always(async () => {
  await cluster?.stop();
  await libvirtd?.stop();
  if (baseDir) await rm(baseDir, { recursive: true, force: true });
});

function alkor(command: string, ...args: string[]) {
  return runAlkor(cluster.node("node1").controlSocket, command, args);
}

/** The first bytes a VNC server sends: its protocol version (RFB 003.008). */
function vncGreeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = "";
    socket.setTimeout(10_000, () => socket.destroy(new Error(`No VNC greeting from ${host}:${port} within 10 s.`)));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.length >= 12) {
        socket.destroy();
        resolve(received.slice(0, 12));
      }
    });
    socket.on("error", reject);
  });
}

/** Runs alkor-instance console with piped stdin and stdout; resolves once it exits. */
function openConsole(name: string) {
  const child = spawn(join(process.cwd(), "bin", "alkor-instance"), ["console", name], {
    env: { ...process.env, ALKOR_ENDPOINT: `unix:${cluster.node("node1").controlSocket}` },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, errors: () => errors, exited };
}

test.serial("a tiny guest is added and started on qemu, read and typed into through alkor-instance console, shows VNC on its port, and is stopped", async (t) => {
  t.timeout(300_000, "a TCG boot on a loaded machine");
  const started = performance.now();
  const added = await alkor(
    "alkor-instance", "add", "-n", "node1", "-o", "alkor-image+blank", "-t", "diskless", "--no-nics", "-B", "memory=128",
    "-H", `kernel_path=${kit.kernelPath},initrd_path=${kit.initrdPath},kernel_args=${kit.kernelArgs},root_path=,serial_console=true,vnc_bind_address=127.0.0.1`,
    "tiny1",
  );
  t.is(added.code, 0, added.stderr);
  const view = (await getJson({ kind: "unix", socketPath: cluster.node("node1").controlSocket }, instancePath("tiny1"), InstanceBodySchema, 10_000)).instance;
  t.is(view.status, "running");
  t.is(view.domainState, "running");
  t.true(view.networkPort !== null && view.networkPort >= 11_000, `network port ${view.networkPort}`);
  t.is(await vncGreeting("127.0.0.1", view.networkPort!), "RFB 003.008\n", "qemu's VNC server answers on the instance's port");
  const info = await alkor("alkor-instance", "info", "tiny1");
  t.regex(info.stdout, new RegExp(`^  Console connection: serial, alkor-instance console tiny1; vnc to 127\\.0\\.0\\.1:${view.networkPort} \\(node node1\\) \\(display ${view.networkPort! - 5900}\\)$`, "m"));

  const session = openConsole("tiny1");
  try {
    await waitFor("the guest's marker on the console", () => session.output().includes(kit.marker), { timeoutMs: bootTimeoutMs });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- console ---\n${session.output()}\n--- stderr ---\n${session.errors()}\n--- libvirtd ---\n${await libvirtd.logTail()}`);
  }
  t.log(`add to the guest's marker: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const token = `alkor-${randomBytes(6).toString("hex")}`;
  session.child.stdin.write(`echo ${token}\n`);
  await waitFor("the guest to echo the token", () => new RegExp(`^${token}\\r?$`, "m").test(session.output()), { timeoutMs: 30_000 });
  session.child.stdin.write("\x1d");
  t.is(await session.exited, 0, `^] leaves the console: ${session.errors()}`);

  const stopped = await alkor("alkor-instance", "shutdown", "--timeout", "0", "tiny1");
  t.is(stopped.code, 0, stopped.stderr);
  t.is((await getJson({ kind: "unix", socketPath: cluster.node("node1").controlSocket }, instancePath("tiny1"), InstanceBodySchema, 10_000)).instance.domainState, "shutoff");
  const removed = await alkor("alkor-instance", "remove", "-f", "tiny1");
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(await libvirtd.virsh(["list", "--all", "--name"]).then((out) => out.trim()), "", "libvirt has no domain left");
});
