import test from "ava";
import { IpCommandClusterAddress, type ClusterAddressSpec } from "../../../../src/host/net/cluster-address.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { memoryLogger } from "../../../helpers/log.js";
import { FakeExec, type Answer } from "./fake-exec.js";
import { ipAddrShowAll, ipAddrShowLoopback, ipAddrShowVeth } from "./recorded-ip-addr.js";

// The recorded veth alkor0 holds 10.250.0.100/32; 10.250.0.200 is free.
const free: ClusterAddressSpec = { ip: "10.250.0.200", prefixLength: 32, device: "alkor0" };
const present: ClusterAddressSpec = { ip: "10.250.0.100", prefixLength: 32, device: "alkor0" };

/** Lists the recorded devices; every other command succeeds unless `others` says otherwise. */
function recordedHost(others: (argv: readonly string[]) => Answer = () => ({ stdout: "" })): FakeExec {
  return new FakeExec((argv) => {
    const command = argv.join(" ");
    if (command === "ip -j addr show") return { stdout: ipAddrShowAll };
    if (command === "ip -j addr show dev alkor0") return { stdout: ipAddrShowVeth };
    if (command === "ip -j addr show dev lo") return { stdout: ipAddrShowLoopback };
    return others(argv);
  });
}

function adapter(exec: FakeExec) {
  const { log, events } = memoryLogger();
  return { address: new IpCommandClusterAddress(exec, log), events };
}

test("acquire adds an absent IPv4 address, then announces it by one unsolicited ARP on its device", async (t) => {
  const exec = recordedHost();
  await adapter(exec).address.acquire(free);
  t.deepEqual(exec.commands, [
    "ip -j addr show dev alkor0",
    "ip addr add 10.250.0.200/32 dev alkor0",
    "arping -U -c 1 -I alkor0 10.250.0.200",
  ]);
  t.deepEqual(exec.calls[1]?.options, { env: { LC_ALL: "C" } });
});

test("acquire of an address already held adds nothing but announces it again", async (t) => {
  const exec = recordedHost();
  await adapter(exec).address.acquire(present);
  t.deepEqual(exec.commands, ["ip -j addr show dev alkor0", "arping -U -c 1 -I alkor0 10.250.0.100"]);
});

test("an address held with another prefix length is not the one asked for, so acquire adds it", async (t) => {
  const exec = recordedHost();
  await adapter(exec).address.acquire({ ...present, prefixLength: 24 });
  t.true(exec.commands.includes("ip addr add 10.250.0.100/24 dev alkor0"));
});

test("acquire on loopback adds the address without ARP, which loopback has not", async (t) => {
  const exec = recordedHost();
  await adapter(exec).address.acquire({ ip: "10.250.1.2", prefixLength: 32, device: "lo" });
  t.deepEqual(exec.commands, ["ip -j addr show dev lo", "ip addr add 10.250.1.2/32 dev lo"]);
});

test("acquire of an IPv6 address sends no ARP and logs why at debug level", async (t) => {
  const exec = recordedHost();
  const { address, events } = adapter(exec);
  await address.acquire({ ip: "2001:db8:250::10", prefixLength: 128, device: "alkor0" });
  t.deepEqual(exec.commands, ["ip -j addr show dev alkor0", "ip addr add 2001:db8:250::10/128 dev alkor0"]);
  t.true(events.some((event) => event.level === 20 && /No ARP announcement for IPv6/.test(String(event.msg))));
});

test("an address someone added between the look and the add counts as acquired", async (t) => {
  const exec = recordedHost((argv) => (argv[1] === "addr" && argv[2] === "add" ? { fails: "Error: ipv4: Address already assigned." } : { stdout: "" }));
  await adapter(exec).address.acquire(free);
  t.is(exec.commands.at(-1), "arping -U -c 1 -I alkor0 10.250.0.200");
});

test("a kernel without extended acks reporting EEXIST also counts as acquired", async (t) => {
  const exec = recordedHost((argv) => (argv[2] === "add" ? { fails: "RTNETLINK answers: File exists" } : { stdout: "" }));
  await t.notThrowsAsync(adapter(exec).address.acquire(free));
});

test("any other failure to add rejects acquire with the tool's reason and announces nothing", async (t) => {
  const exec = recordedHost((argv) => (argv[2] === "add" ? { fails: "RTNETLINK answers: Operation not permitted" } : { stdout: "" }));
  const error = await t.throwsAsync(adapter(exec).address.acquire(free), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error?.message ?? "", /ip addr add 10\.250\.0\.200\/32 dev alkor0 failed: RTNETLINK answers: Operation not permitted/);
  t.false(exec.commands.some((command) => command.startsWith("arping")));
});

test("a failed announcement leaves acquire successful, since the address is held, and is logged as a warning", async (t) => {
  const exec = recordedHost((argv) => (argv[0] === "arping" ? { fails: 'Interface "alkor0" is down' } : { stdout: "" }));
  const { address, events } = adapter(exec);
  await t.notThrowsAsync(address.acquire(free));
  t.true(events.some((event) => event.level === 40 && /10\.250\.0\.200 is held but could not be announced: .*is down/.test(String(event.msg))));
});

test("release removes an address that is held", async (t) => {
  const exec = recordedHost();
  await adapter(exec).address.release(present);
  t.deepEqual(exec.commands, ["ip -j addr show dev alkor0", "ip addr del 10.250.0.100/32 dev alkor0"]);
});

test("release of an address not held runs no command beyond the look", async (t) => {
  const exec = recordedHost();
  await adapter(exec).address.release(free);
  t.deepEqual(exec.commands, ["ip -j addr show dev alkor0"]);
});

test("an address someone removed between the look and the removal counts as released", async (t) => {
  const exec = recordedHost((argv) => (argv[2] === "del" ? { fails: "Error: ipv4: Address not found." } : { stdout: "" }));
  await t.notThrowsAsync(adapter(exec).address.release(present));
  const legacy = recordedHost((argv) => (argv[2] === "del" ? { fails: "RTNETLINK answers: Cannot assign requested address" } : { stdout: "" }));
  await t.notThrowsAsync(adapter(legacy).address.release(present));
});

test("any other failure to remove rejects release with the tool's reason", async (t) => {
  const exec = recordedHost((argv) => (argv[2] === "del" ? { fails: "RTNETLINK answers: Operation not permitted" } : { stdout: "" }));
  await t.throwsAsync(adapter(exec).address.release(present), { message: /ip addr del .* failed: RTNETLINK answers: Operation not permitted/ });
});

test("held is true only for the exact address and prefix length, whatever the IPv6 spelling", async (t) => {
  const { address } = adapter(recordedHost());
  t.true(await address.held(present));
  t.false(await address.held(free));
  t.false(await address.held({ ...present, prefixLength: 24 }));
  t.true(await address.held({ ip: "2001:DB8:250:0::1", prefixLength: 64, device: "alkor0" }));
});

test("a device that ip cannot find fails with the tool's reason", async (t) => {
  const exec = new FakeExec(() => ({ fails: 'Device "eth9" does not exist.' }));
  await t.throwsAsync(adapter(exec).address.held({ ...free, device: "eth9" }), { message: /Device "eth9" does not exist/ });
});

test("malformed JSON from ip fails with an error saying the output cannot be read", async (t) => {
  const exec = new FakeExec(() => ({ stdout: '[{"ifname":"alkor0",' }));
  const error = await t.throwsAsync(adapter(exec).address.acquire(free), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error?.message ?? "", /"ip -j addr show" cannot be read: it is not JSON/);
  t.is(exec.calls.length, 1);
});

test("a listing of some other device than the one asked for is refused", async (t) => {
  const exec = new FakeExec(() => ({ stdout: ipAddrShowLoopback }));
  await t.throwsAsync(adapter(exec).address.held(free), { message: /did not list exactly the device alkor0/ });
});

test("deviceOf names the device that carries an address, in any spelling", async (t) => {
  const { address } = adapter(recordedHost());
  t.is(await address.deviceOf("10.250.0.1"), "alkor0");
  t.is(await address.deviceOf("10.250.1.1"), "lo");
  t.is(await address.deviceOf("2001:db8:250:0:0::1"), "alkor0");
});

test("deviceOf is null for an address no device carries", async (t) => {
  const { address } = adapter(recordedHost());
  t.is(await address.deviceOf("10.250.0.7"), null);
});
