import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import type { DomainSpec } from "../../../../src/host/hypervisor/hypervisor.js";

/** libvirt's in-process test driver; every connection of one process shares its state, which starts with one running domain "test". */
export const testDriverUri = "test:///default";

/** A small diskless spec for the test driver, with a name and uuid of its own. */
export function testDomainSpec(name: string, overrides: Partial<DomainSpec> = {}): DomainSpec {
  return {
    name,
    uuid: randomUUID(),
    domainType: "test",
    memoryMiB: 256,
    maxMemoryMiB: 512,
    vcpus: 2,
    kernelPath: null,
    initrdPath: null,
    kernelArgs: null,
    rootPath: null,
    bootOrder: "disk",
    serialConsolePath: null,
    vnc: null,
    disks: [],
    nics: [],
    ...overrides,
  };
}

/** Everything the XML can hold: direct kernel boot, both disk kinds, every NIC mode, serial console and VNC. */
export function fullDomainSpec(name: string, overrides: Partial<DomainSpec> = {}): DomainSpec {
  return testDomainSpec(name, {
    kernelPath: "/boot/vmlinuz-6.1",
    initrdPath: "/boot/initrd.img-6.1",
    kernelArgs: "console=ttyS0 quiet",
    rootPath: "/dev/vda1",
    bootOrder: "network",
    serialConsolePath: `/run/alkor/console/${name}.sock`,
    vnc: { address: "127.0.0.1", port: 11_003 },
    disks: [
      { path: `/dev/alkor/${name}-disk0`, kind: "block", format: "raw", readOnly: false },
      { path: `/var/lib/alkor/${name}-disk1.qcow2`, kind: "file", format: "qcow2", readOnly: true },
    ],
    nics: [
      { mac: "aa:00:00:4e:00:01", mode: "bridged", link: "br0" },
      { mac: "aa:00:00:4e:00:02", mode: "routed", link: "100" },
      { mac: "aa:00:00:4e:00:03", mode: "openvswitch", link: "ovs0" },
    ],
    ...overrides,
  });
}

/**
 * A hung libvirtd: a unix socket that accepts libvirt's connection and never
 * answers. With `later`, nothing listens until listen() is called. At the
 * test's end its connections are dropped (the hung calls then fail, freeing
 * their pool threads) and the socket removed.
 */
export async function silentLibvirtd(
  t: ExecutionContext,
  options: { later?: boolean } = {},
): Promise<{ uri: string; socketPath: string; accepted: Socket[]; listen: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-hv-"));
  const socketPath = join(dir, "silent.sock");
  const accepted: Socket[] = [];
  const silent = createServer((socket) => {
    accepted.push(socket);
    // The client gives up on a hung daemon and may reset the connection.
    socket.on("error", () => undefined);
  });
  const listen = () => new Promise<void>((resolve) => silent.listen(socketPath, resolve));
  if (!options.later) await listen();
  t.teardown(async () => {
    for (const socket of accepted) socket.destroy();
    if (silent.listening) await new Promise((resolve) => silent.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  return { uri: `qemu+unix:///system?socket=${socketPath}`, socketPath, accepted, listen };
}
