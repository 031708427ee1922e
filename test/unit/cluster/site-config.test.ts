import test from "ava";
import { parseSiteConfigText, siteConfigFromCmdline } from "../../../src/cluster/site-config.js";

test("the kernel command line carries a site config among other words", (t) => {
  const site = siteConfigFromCmdline("BOOT_IMAGE=/vmlinuz root=/dev/vda1 alkor.cluster=lab alkor.cluster_ip=10.9.0.100/24 alkor.join_token=abcdefgh1 alkor.expected_nodes=3 quiet");
  t.deepEqual(site, { clusterName: "lab", clusterIp: "10.9.0.100/24", joinToken: "abcdefgh1", expectedNodes: 3 });
});

test("a command line without alkor words has no site config", (t) => {
  t.is(siteConfigFromCmdline("BOOT_IMAGE=/vmlinuz quiet"), null);
});

test("an incomplete or bad site config is refused with every problem named", (t) => {
  const error = t.throws(() => siteConfigFromCmdline("alkor.cluster=lab alkor.expected_nodes=three"));
  t.regex(error.message, /kernel command line/);
  t.regex(error.message, /clusterIp/);
  t.regex(error.message, /expectedNodes/);
  t.regex(error.message, /joinToken/);
  t.throws(() => parseSiteConfigText('{"clusterName":"lab"', "/etc/alkor/site.json"), { message: /site.json is not valid JSON/ });
  t.throws(() => parseSiteConfigText('{"clusterName":"lab","clusterIp":"10.0.0.1","joinToken":"short","expectedNodes":3}', "site.json"), {
    message: /joinToken: must be at least 8 characters/,
  });
});
