import test from "ava";
import { parseClusterIp } from "../../../../src/host/net/cluster-ip.js";
import { AlkorError } from "../../../../src/model/errors.js";

test("an IPv4 address without a prefix stands alone as a /32", (t) => {
  t.deepEqual(parseClusterIp("192.0.2.10"), { ip: "192.0.2.10", prefixLength: 32 });
});

test("an IPv6 address without a prefix stands alone as a /128", (t) => {
  t.deepEqual(parseClusterIp("2001:db8::10"), { ip: "2001:db8::10", prefixLength: 128 });
});

test("a given prefix length is kept", (t) => {
  t.deepEqual(parseClusterIp("192.0.2.10/24"), { ip: "192.0.2.10", prefixLength: 24 });
  t.deepEqual(parseClusterIp(" 2001:db8::10/64 "), { ip: "2001:db8::10", prefixLength: 64 });
});

test("an IPv6 address is spelt the way iproute2 prints it", (t) => {
  t.deepEqual(parseClusterIp("2001:DB8:0:0:0:0:0:0010/64"), { ip: "2001:db8::10", prefixLength: 64 });
});

for (const text of ["", "master", "192.0.2", "192.0.2.256", "010.0.2.1", "192.0.2.10/", "192.0.2.10/24/1", "192.0.2.10/x", "fe80::1%eth0", "192.0.2.10 /24"]) {
  test(`"${text}" is refused as no cluster IP`, (t) => {
    const error = t.throws(() => parseClusterIp(text), { instanceOf: AlkorError });
    t.is(error?.code, "wrong_input");
    t.regex(error?.message ?? "", /is not a cluster IP: write an IPv4 or IPv6 address/);
  });
}

for (const text of ["192.0.2.10/33", "192.0.2.10/0", "2001:db8::10/129"]) {
  test(`the prefix length of "${text}" is refused as out of range`, (t) => {
    const error = t.throws(() => parseClusterIp(text), { instanceOf: AlkorError });
    t.is(error?.code, "wrong_input");
    t.regex(error?.message ?? "", /prefix length of cluster IP .* must be between 1 and (32|128)/);
  });
}
