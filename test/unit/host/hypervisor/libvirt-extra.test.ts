import { Hypervisor as LibvirtConnection } from "@unraid/libvirt";
import test from "ava";
import { domainXml } from "../../../../src/host/hypervisor/domain-xml.js";
import { libvirtCodeOf, libvirtErrorCodes, loadLibvirtExtra } from "../../../../src/host/hypervisor/libvirt-extra.js";
import { waitFor } from "../../../helpers/wait.js";
import { silentLibvirtd, testDomainSpec, testDriverUri } from "./domain-specs.js";

/** A binding connection to the test driver, closed when the test ends; while it is open, the addon's connections share its state. */
async function binding(t: { teardown(fn: () => Promise<void>): void }): Promise<LibvirtConnection> {
  const connection = new LibvirtConnection({ uri: testDriverUri });
  await connection.connectOpen();
  t.teardown(() => connection.connectClose());
  return connection;
}

test("the addon loads from build/native under the package root and offers setMemory and reboot", (t) => {
  const extra = loadLibvirtExtra();
  t.is(typeof extra.setMemory, "function");
  t.is(typeof extra.reboot, "function");
  t.is(loadLibvirtExtra(), extra, "loaded once");
});

test("a domain defined and started through the binding is seen and changed by the addon's own connection", async (t) => {
  const connection = await binding(t);
  const domain = await connection.domainDefineXML(domainXml(testDomainSpec("shared1", { memoryMiB: 256, maxMemoryMiB: 1024 })));
  await domain.create();
  await loadLibvirtExtra().setMemory(testDriverUri, "shared1", 700 * 1024);
  t.like(await domain.getInfo(), { memory: 700 * 1024, maxMem: 1024 * 1024 });
  await loadLibvirtExtra().reboot(testDriverUri, "shared1");
  t.is((await domain.getInfo()).state, 1, "running again after the reboot");
  await domain.destroy();
  await domain.undefine();
});

test("an addon rejection carries libvirt's message and error number", async (t) => {
  await binding(t);
  const error = await t.throwsAsync(loadLibvirtExtra().reboot(testDriverUri, "ghost"), { instanceOf: Error, message: "Domain not found" });
  t.is(libvirtCodeOf(error), libvirtErrorCodes.noDomain);
  const refused = await t.throwsAsync(loadLibvirtExtra().setMemory("qemu+unix:///system?socket=/nonexistent/libvirt.sock", "vm", 1024), {
    message: "Failed to connect socket to '/nonexistent/libvirt.sock': No such file or directory",
  });
  t.is(libvirtCodeOf(refused), 38, "VIR_ERR_SYSTEM_ERROR");
});

test("the addon checks its arguments before going to libvirt", (t) => {
  const extra = loadLibvirtExtra() as unknown as Record<string, (...args: unknown[]) => Promise<void>>;
  t.throws(() => extra.setMemory!(testDriverUri, "vm", 1.5), { instanceOf: RangeError, message: "kib must be a positive whole number of KiB" });
  t.throws(() => extra.setMemory!(testDriverUri, "vm", 0), { instanceOf: RangeError });
  t.throws(() => extra.setMemory!(testDriverUri, "vm"), { instanceOf: TypeError, message: "missing arguments" });
  t.throws(() => extra.reboot!(testDriverUri, 42), { instanceOf: TypeError, message: "name must be a string without NUL" });
  t.throws(() => extra.reboot!(testDriverUri, "a\u0000b"), { instanceOf: TypeError, message: "name must be a string without NUL" });
  t.is(libvirtCodeOf(new Error("plain")), null);
});

test("an addon call waiting on a libvirtd that never answers leaves the event loop free", async (t) => {
  const { uri, accepted } = await silentLibvirtd(t);
  const pending = loadLibvirtExtra().reboot(uri, "vm");
  let settled = false;
  void pending.catch(() => undefined).finally(() => (settled = true));
  // Timers, the server's accept and this wait all run while libvirt blocks its pool thread.
  await waitFor("the addon's connection to the silent libvirtd", () => accepted.length === 1);
  const ticksFrom = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.true(Date.now() - ticksFrom < 1000);
  t.false(settled);
  // The daemon goes away: the waiting call fails with libvirt's reason.
  for (const socket of accepted) socket.destroy();
  const error = await t.throwsAsync(pending);
  t.truthy(error?.message);
  t.not(libvirtCodeOf(error), null);
});
