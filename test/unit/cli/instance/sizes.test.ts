import test from "ava";
import { parseIdentKeyValues, parseKeyValues } from "../../../../src/cli/instance/keyval.js";
import { parseSize } from "../../../../src/cli/instance/sizes.js";

test("parses sizes as Ganeti's ParseUnit does: MiB by default, M, G and T, rounded up to a multiple of 4 MiB", (t) => {
  t.is(parseSize("512M", "-s"), 512);
  t.is(parseSize("10G", "-s"), 10240);
  t.is(parseSize("1T", "-s"), 1024 * 1024);
  t.is(parseSize("1024", "-s"), 1024);
  t.is(parseSize(1024, "-s"), 1024);
  t.is(parseSize("1.5g", "-s"), 1536);
  t.is(parseSize("10GiB", "-s"), 10240);
  t.is(parseSize("2 gb", "-s"), 2048);
  t.is(parseSize("25", "-s"), 28);
  t.is(parseSize("0.1", "-s"), 4);
});

test("a bad size is a usage error naming the option and the value", (t) => {
  t.throws(() => parseSize("10X", "--disk 1"), { name: "UsageError", message: 'Invalid size "10X" for --disk 1: expected MiB or a number with M, G or T, such as 512M, 10G or 1T.' });
  t.throws(() => parseSize("ten", "-s"), { message: /^Invalid size "ten" for -s/ });
  t.throws(() => parseSize("-5G", "-s"), { message: /^Invalid size "-5G" for -s/ });
  t.throws(() => parseSize("0", "-m"), { message: 'Invalid size "0" for -m: it must be more than 0.' });
});

test("parses Ganeti's key=value lists: bare keys are true, no_ false, - the default, backslash escapes a comma", (t) => {
  t.deepEqual(parseKeyValues("maxmem=512,auto_balance,no_always_failover,-vcpus", "-B"), { maxmem: "512", auto_balance: true, always_failover: false, vcpus: null });
  t.deepEqual(parseKeyValues("kernel_args=console=ttyS0\\,115200 ro", "-H"), { kernel_args: "console=ttyS0,115200 ro" });
  t.deepEqual(parseKeyValues("", "-B"), {});
  t.throws(() => parseKeyValues("vcpus=1,vcpus=2", "-B"), { message: "Parameter vcpus is given twice in -B." });
  t.throws(() => parseKeyValues("=1", "-B"), { message: 'Empty parameter name in -B "=1".' });
});

test("splits IDENT:key=value at the first colon", (t) => {
  t.deepEqual(parseIdentKeyValues("0:size=10G,mode=ro", "--disk"), { ident: "0", values: { size: "10G", mode: "ro" } });
  t.deepEqual(parseIdentKeyValues("add", "--net"), { ident: "add", values: {} });
  t.deepEqual(parseIdentKeyValues("kvm:vnc_bind_address=::1", "-H"), { ident: "kvm", values: { vnc_bind_address: "::1" } });
});
