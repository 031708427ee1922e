import test from "ava";
import { parseIpAddrShow } from "../../../../src/host/net/addresses.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { ipAddrShowAll } from "./recorded-ip-addr.js";

test("every device of a recorded listing is read with its addresses and whether it speaks ARP", (t) => {
  t.deepEqual(parseIpAddrShow(ipAddrShowAll), [
    {
      device: "lo",
      arp: false,
      addresses: [
        { ip: "127.0.0.1", prefixLength: 8 },
        { ip: "10.250.1.1", prefixLength: 32 },
        { ip: "::1", prefixLength: 128 },
      ],
    },
    {
      device: "alkor0",
      arp: true,
      addresses: [
        { ip: "10.250.0.1", prefixLength: 24 },
        { ip: "10.250.0.100", prefixLength: 32 },
        { ip: "2001:db8:250::1", prefixLength: 64 },
      ],
    },
  ]);
});

test("a device flagged NOARP does not speak ARP", (t) => {
  const [link] = parseIpAddrShow(JSON.stringify([{ ifname: "ifb0", flags: ["BROADCAST", "NOARP"], addr_info: [] }]));
  t.false(link?.arp);
});

test("output that is not JSON is refused, saying so", (t) => {
  const error = t.throws(() => parseIpAddrShow("Device \"eth9\" does not exist."), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error?.message ?? "", /output of "ip -j addr show" cannot be read: it is not JSON/);
});

test("a listing without a field alkor reads is refused, naming the field", (t) => {
  const listing = JSON.stringify([{ ifname: "alkor0", flags: [], addr_info: [{ family: "inet", local: "10.250.0.1", prefixlen: "24" }] }]);
  t.throws(() => parseIpAddrShow(listing), { message: /cannot be read: 0\.addr_info\.0\.prefixlen: / });
});

test("a listing with an address that is no IP is refused, naming it", (t) => {
  const listing = JSON.stringify([{ ifname: "alkor0", flags: [], addr_info: [{ local: "10.250.0.300", prefixlen: 24 }] }]);
  t.throws(() => parseIpAddrShow(listing), { message: /0\.addr_info\.0\.local: "10\.250\.0\.300" is not an IP address/ });
});
