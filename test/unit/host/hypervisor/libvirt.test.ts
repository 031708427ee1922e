import test from "ava";
import { LibvirtHypervisor } from "../../../../src/host/hypervisor/libvirt.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { waitFor } from "../../../helpers/wait.js";
import { silentLibvirtd, testDomainSpec, testDriverUri } from "./domain-specs.js";

/** A hypervisor on the test driver, closed when the test ends. */
function testDriver(t: { teardown(fn: () => Promise<void>): void }): LibvirtHypervisor {
  const hypervisor = new LibvirtHypervisor({ uri: testDriverUri });
  t.teardown(() => hypervisor.close());
  return hypervisor;
}

const unknownDomain = (name: string) => ({ instanceOf: AlkorError, code: "unknown_entity", message: `Instance ${name} has no domain in libvirt (test:///default).` }) as const;

// Serial: ava runs these before the concurrent tests, so no other domain of this process starts or stops meanwhile.
test.serial("on a test: URI the node's free memory is its memory less what running domains hold", async (t) => {
  const hypervisor = testDriver(t);
  const before = await hypervisor.nodeInfo();
  // The test driver's node: 3 GiB, 16 CPUs; its own domain "test" runs with 2 GiB.
  t.deepEqual(before, { memoryMiB: 3072, cpus: 16, freeMemoryMiB: 1024 });
  await hypervisor.define(testDomainSpec("free1", { memoryMiB: 300 }));
  t.is((await hypervisor.nodeInfo()).freeMemoryMiB, 1024, "a defined, shut-off domain holds no memory");
  await hypervisor.start("free1");
  t.is((await hypervisor.nodeInfo()).freeMemoryMiB, 724);
  await hypervisor.setMemory("free1", 200);
  t.is((await hypervisor.nodeInfo()).freeMemoryMiB, 824);
  await hypervisor.destroy("free1");
  await hypervisor.undefine("free1");
  t.is((await hypervisor.nodeInfo()).freeMemoryMiB, 1024);
});

test("an injected free-memory source answers for the node instead of the domains' sum", async (t) => {
  const hypervisor = new LibvirtHypervisor({ uri: testDriverUri, freeMemoryMiB: async () => 777 });
  t.teardown(() => hypervisor.close());
  t.deepEqual(await hypervisor.nodeInfo(), { memoryMiB: 3072, cpus: 16, freeMemoryMiB: 777 });
});

test("a URI other than test: needs a free-memory source", (t) => {
  t.throws(() => new LibvirtHypervisor({ uri: "qemu:///system" }), { instanceOf: AlkorError, code: "internal_error", message: /qemu:\/\/\/system needs a source for the node's free memory/ });
});

test("a domain defined from a spec is shut off until started, then running with its memory and VCPUs", async (t) => {
  const hypervisor = testDriver(t);
  const spec = testDomainSpec("life1", { memoryMiB: 384, maxMemoryMiB: 768, vcpus: 3 });
  await hypervisor.define(spec);
  t.like(await hypervisor.domain("life1"), { name: "life1", uuid: spec.uuid, state: "shutoff", memoryMiB: 384, maxMemoryMiB: 768, vcpus: 3 });
  await hypervisor.start("life1");
  const running = await hypervisor.domain("life1");
  t.like(running, { state: "running", memoryMiB: 384, maxMemoryMiB: 768, vcpus: 3 });
  t.true(Number.isFinite(running?.cpuTimeNs) && (running?.cpuTimeNs ?? 0) > 0);
  await hypervisor.destroy("life1");
  await hypervisor.undefine("life1");
});

test("domains() reports every domain libvirt knows, alkor's and others, defined or running", async (t) => {
  const hypervisor = testDriver(t);
  await hypervisor.define(testDomainSpec("list1", { memoryMiB: 128 }));
  await hypervisor.define(testDomainSpec("list2"));
  await hypervisor.start("list1");
  const byName = new Map((await hypervisor.domains()).map((domain) => [domain.name, domain]));
  t.like(byName.get("list1"), { state: "running", memoryMiB: 128 });
  t.like(byName.get("list2"), { state: "shutoff", memoryMiB: 256 });
  // The test driver's own domain is not alkor's, and is reported all the same.
  t.like(byName.get("test"), { state: "running", memoryMiB: 2048, maxMemoryMiB: 8192 });
  await hypervisor.destroy("list1");
  await hypervisor.undefine("list1");
  await hypervisor.undefine("list2");
});

test("define again with the same uuid changes the persistent definition", async (t) => {
  const hypervisor = testDriver(t);
  const spec = testDomainSpec("redef1");
  await hypervisor.define(spec);
  await hypervisor.define({ ...spec, vcpus: 4, memoryMiB: 512 });
  t.like(await hypervisor.domain("redef1"), { vcpus: 4, memoryMiB: 512 });
  await hypervisor.undefine("redef1");
});

test("setMemory changes a running domain's live memory within its maximum", async (t) => {
  const hypervisor = testDriver(t);
  await hypervisor.define(testDomainSpec("mem1", { memoryMiB: 256, maxMemoryMiB: 1024 }));
  await hypervisor.start("mem1");
  await hypervisor.setMemory("mem1", 900);
  t.like(await hypervisor.domain("mem1"), { memoryMiB: 900, maxMemoryMiB: 1024 });
  await hypervisor.setMemory("mem1", 128);
  t.like(await hypervisor.domain("mem1"), { memoryMiB: 128 });
  await hypervisor.destroy("mem1");
  await hypervisor.undefine("mem1");
});

test("setMemory above the maximum, on a shut-off domain, or not in whole MiB is refused with libvirt's reason", async (t) => {
  const hypervisor = testDriver(t);
  await hypervisor.define(testDomainSpec("mem2", { memoryMiB: 256, maxMemoryMiB: 512 }));
  await t.throwsAsync(hypervisor.setMemory("mem2", 128), {
    instanceOf: AlkorError,
    code: "wrong_state",
    message: "libvirt (test:///default) could not set the memory of instance mem2 to 128 MiB: Requested operation is not valid: domain is not running",
  });
  await hypervisor.start("mem2");
  await t.throwsAsync(hypervisor.setMemory("mem2", 513), { instanceOf: AlkorError, code: "wrong_input", message: /cannot set memory higher than max memory/ });
  await t.throwsAsync(hypervisor.setMemory("mem2", 1.5), { instanceOf: AlkorError, code: "wrong_input", message: "Instance mem2: memory 1.5 MiB is not a positive whole number." });
  t.like(await hypervisor.domain("mem2"), { memoryMiB: 256 });
  await hypervisor.destroy("mem2");
  await hypervisor.undefine("mem2");
});

test("reboot restarts a running domain (the test driver applies on_reboot=restart at once); a shut-off one cannot", async (t) => {
  const hypervisor = testDriver(t);
  await hypervisor.define(testDomainSpec("reboot1"));
  await t.throwsAsync(hypervisor.reboot("reboot1"), { instanceOf: AlkorError, code: "wrong_state", message: /could not reboot instance reboot1: .*domain is not running/ });
  await hypervisor.start("reboot1");
  await hypervisor.reboot("reboot1");
  t.like(await hypervisor.domain("reboot1"), { state: "running" });
  await hypervisor.destroy("reboot1");
  await hypervisor.undefine("reboot1");
});

test("requestShutdown asks the guest to stop (the test driver's guest obeys at once); destroy pulls the plug", async (t) => {
  const hypervisor = testDriver(t);
  await hypervisor.define(testDomainSpec("stop1"));
  await hypervisor.start("stop1");
  await hypervisor.requestShutdown("stop1");
  await waitFor("stop1 to shut off", async () => (await hypervisor.domain("stop1"))?.state === "shutoff");
  await hypervisor.start("stop1");
  await hypervisor.destroy("stop1");
  t.like(await hypervisor.domain("stop1"), { state: "shutoff" });
  await hypervisor.undefine("stop1");
  t.is(await hypervisor.domain("stop1"), null);
});

test("every operation on a domain libvirt does not know says which instance has none", async (t) => {
  const hypervisor = testDriver(t);
  t.is(await hypervisor.domain("ghost"), null);
  await t.throwsAsync(hypervisor.start("ghost"), unknownDomain("ghost"));
  await t.throwsAsync(hypervisor.requestShutdown("ghost"), unknownDomain("ghost"));
  await t.throwsAsync(hypervisor.destroy("ghost"), unknownDomain("ghost"));
  await t.throwsAsync(hypervisor.undefine("ghost"), unknownDomain("ghost"));
  await t.throwsAsync(hypervisor.setMemory("ghost", 128), unknownDomain("ghost"));
  await t.throwsAsync(hypervisor.reboot("ghost"), unknownDomain("ghost"));
});

test("a call libvirt refuses gives libvirt's message, and the connection goes on working", async (t) => {
  const hypervisor = testDriver(t);
  await t.throwsAsync(hypervisor.start("test"), {
    instanceOf: AlkorError,
    code: "environment_error",
    message: "libvirt (test:///default) could not start instance test: internal error: Domain 'test' is already running",
  });
  t.like(await hypervisor.domain("test"), { state: "running" });
});

test("after close every call is refused with a sentence, never run on the closed connection", async (t) => {
  const hypervisor = new LibvirtHypervisor({ uri: testDriverUri });
  t.truthy(await hypervisor.domain("test"));
  await hypervisor.close();
  await hypervisor.close();
  const closed = { instanceOf: AlkorError, code: "environment_error", message: /^The hypervisor connection to test:\/\/\/default is closed, so alkor cannot / } as const;
  await t.throwsAsync(hypervisor.domains(), closed);
  await t.throwsAsync(hypervisor.start("test"), closed);
  await t.throwsAsync(hypervisor.setMemory("test", 100), closed);
  await t.throwsAsync(hypervisor.nodeInfo(), closed);
});

test("a connection that cannot open is an environment error with libvirt's reason, and the next call tries again", async (t) => {
  const { uri, accepted, listen } = await silentLibvirtd(t, { later: true });
  const hypervisor = new LibvirtHypervisor({ uri, freeMemoryMiB: async () => 0, callTimeoutMs: 300 });
  t.teardown(() => hypervisor.close());
  await t.throwsAsync(hypervisor.domains(), {
    instanceOf: AlkorError,
    code: "environment_error",
    message: /^libvirt \(qemu\+unix:.*\) could not open a connection: Failed to connect socket to '.*silent\.sock': No such file or directory$/,
  });
  // Now something listens there: the next call connects to it (and times out, as it never answers).
  await listen();
  await t.throwsAsync(hypervisor.domains(), { instanceOf: AlkorError, message: /did not answer within 0\.3 s when asked to open a connection/ });
  t.is(accepted.length, 1);
});

test("close while calls run: each call completes or is refused with a sentence, and the process goes on", async (t) => {
  const hypervisor = new LibvirtHypervisor({ uri: testDriverUri });
  t.truthy(await hypervisor.domain("test"));
  const calls = Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? hypervisor.domains() : hypervisor.nodeInfo()));
  await hypervisor.close();
  const outcomes = await Promise.allSettled(calls);
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") t.regex((outcome.reason as Error).message, /^The hypervisor connection to test:\/\/\/default is closed/);
  }
  t.is(outcomes.length, 50);
  t.log(`${outcomes.filter((outcome) => outcome.status === "fulfilled").length} of 50 completed before the close`);
});

test("a libvirtd that never answers fails the call after the timeout, and the next call opens a new connection", async (t) => {
  const { socketPath, accepted } = await silentLibvirtd(t);
  const hypervisor = new LibvirtHypervisor({ uri: `qemu+unix:///system?socket=${socketPath}`, freeMemoryMiB: async () => 0, callTimeoutMs: 300 });
  t.teardown(() => hypervisor.close());

  const started = Date.now();
  await t.throwsAsync(hypervisor.domains(), {
    instanceOf: AlkorError,
    code: "environment_error",
    message: `libvirt (qemu+unix:///system?socket=${socketPath}) did not answer within 0.3 s when asked to open a connection.`,
  });
  t.true(Date.now() - started < 2000);
  await t.throwsAsync(hypervisor.start("vm1"), { instanceOf: AlkorError, code: "environment_error", message: /did not answer within 0\.3 s/ });
  await waitFor("two connections to the silent libvirtd", () => accepted.length === 2);
});
