import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import type { DomainSpec } from "../../../src/host/hypervisor/hypervisor.js";
import { LibvirtHypervisor } from "../../../src/host/hypervisor/libvirt.js";
import { PrivateLibvirtd } from "../../helpers/private-libvirtd.js";
import { tinyGuest, TinyGuestConsole, type TinyGuest } from "../../helpers/tiny-guest.js";
import { waitFor } from "../../helpers/wait.js";
import { pathExists } from "../../../src/host/path-exists.js";

/**
 * The hypervisor port against a real libvirtd and a real qemu: TCG (this
 * machine has no usable /dev/kvm, so domain type 'qemu'), Debian's kernel and
 * a busybox initramfs booted directly, no NIC at all, the serial console on a
 * unix socket read from Node as `alkor-instance console` reads it.
 */

// Host paths a root libvirtd would use; the private one must leave them as they were.
const hostLibvirtPaths = ["/run/libvirt", "/run/libvirtd.pid", "/run/virtlogd.pid", "/var/lib/libvirt", "/var/cache/libvirt", "/var/log/libvirt"];
const bootTimeoutMs = 60_000;

let kit: TinyGuest;
let libvirtd: PrivateLibvirtd;
let hypervisor: LibvirtHypervisor;
let consoleDir: string;
let hostPathsBefore: boolean[];

test.before(async (t) => {
  hostPathsBefore = await Promise.all(hostLibvirtPaths.map(pathExists));
  let started = performance.now();
  kit = await tinyGuest();
  t.log(`tiny guest kit ${kit.built ? "built" : "from the cache"} in ${seconds(started)} s (kernel ${kit.kernelRelease})`);
  started = performance.now();
  libvirtd = await PrivateLibvirtd.start();
  t.log(`private libvirtd answered in ${seconds(started)} s at ${libvirtd.uri}`);
  // The node's free memory is not asked of it in these tests.
  hypervisor = new LibvirtHypervisor({ uri: libvirtd.uri, freeMemoryMiB: async () => 0 });
  consoleDir = await mkdtemp(join(tmpdir(), "alkor-qemu-boot-"));
});

test.after.always(async () => {
  await hypervisor?.close();
  await libvirtd?.stop();
  if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
});

function spec(name: string): DomainSpec {
  return {
    name,
    uuid: randomUUID(),
    domainType: "qemu",
    memoryMiB: 256,
    maxMemoryMiB: 256,
    vcpus: 1,
    kernelPath: kit.kernelPath,
    initrdPath: kit.initrdPath,
    kernelArgs: kit.kernelArgs,
    rootPath: null,
    bootOrder: "disk",
    serialConsolePath: join(consoleDir, `${name}.sock`),
    vnc: null,
    disks: [],
    nics: [],
  };
}

/** Defines and starts the domain, connects to its console and waits for /init's marker; logs the time to it. */
async function boot(t: { log(...values: unknown[]): void }, name: string): Promise<TinyGuestConsole> {
  const domain = spec(name);
  await hypervisor.define(domain);
  const started = performance.now();
  await hypervisor.start(name);
  const running = performance.now();
  const guestConsole = await TinyGuestConsole.connect(domain.serialConsolePath!);
  try {
    await guestConsole.waitForLine(kit.marker, bootTimeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- console ---\n${guestConsole.transcript()}\n--- libvirtd ---\n${await libvirtd.logTail()}`);
  }
  t.log(`${name}: start to marker in ${seconds(started)} s under TCG (libvirt's start ${((running - started) / 1000).toFixed(2)} s)`);
  return guestConsole;
}

test.serial("a qemu (TCG) domain boots the tiny guest, echoes a line typed on its serial console, and is destroyed and undefined", async (t) => {
  const name = "tiny-echo";
  const guestConsole = await boot(t, name);
  t.teardown(() => guestConsole.close());
  t.is((await hypervisor.domain(name))?.state, "running");
  // The tty echoes the typed command ("echo alkor-…"); only the shell's output is the token alone on a line.
  const token = `alkor-${randomBytes(6).toString("hex")}`;
  guestConsole.type(`echo ${token}`);
  await guestConsole.waitForLine(token, 10_000);

  await hypervisor.destroy(name);
  t.is((await hypervisor.domain(name))?.state, "shutoff");
  await hypervisor.undefine(name);
  t.is(await hypervisor.domain(name), null);
});

test.serial("the tiny guest powers itself off on poweroff -f, and its domain shuts off", async (t) => {
  const name = "tiny-poweroff";
  const guestConsole = await boot(t, name);
  t.teardown(() => guestConsole.close());
  guestConsole.type("poweroff -f");
  await waitFor("the domain to shut off", async () => (await hypervisor.domain(name))?.state === "shutoff", { timeoutMs: 20_000, pollMs: 100 });
  await hypervisor.undefine(name);
  t.deepEqual(await hypervisor.domains(), []);
});

test.serial("stopping the private libvirtd leaves no process, socket or file behind", async (t) => {
  const namespace = libvirtd.namespace;
  t.true((await libvirtd.processes()).length >= 2, "libvirtd and virtlogd run in the private namespace");
  // A running guest too: stop() must end it.
  const guestConsole = await boot(t, "tiny-left-running");
  guestConsole.close();
  await hypervisor.close();

  await libvirtd.stop();
  t.deepEqual(await PrivateLibvirtd.processesIn(namespace), []);
  t.false(await pathExists(libvirtd.root), "the temp dir with the sockets, state and logs is gone");
  t.deepEqual(await Promise.all(hostLibvirtPaths.map(pathExists)), hostPathsBefore, `${hostLibvirtPaths.join(", ")} are as they were`);
});


function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(2);
}
