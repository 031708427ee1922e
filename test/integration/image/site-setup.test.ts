import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import test, { type ExecutionContext } from "ava";
import { parseSiteConfigText } from "../../../src/cluster/site-config.js";

const run = promisify(execFile);
const siteSetup = join(process.cwd(), "image", "overlay", "usr", "local", "sbin", "alkor-site-setup");
const alkord = join(process.cwd(), "bin", "alkord");

interface Machine {
  root: string;
  run(cmdline: string, drive?: string): Promise<{ stdout: string; stderr: string }>;
  read(path: string): Promise<string>;
}

/**
 * A node's file system and /sys as the script sees them: a VGA card in slot
 * 2 and NICs in slots 3 and 5; a config drive only when one is given.
 */
async function machine(t: ExecutionContext): Promise<Machine> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-site-setup-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, "root");
  await mkdir(join(root, "etc"), { recursive: true });
  await writeFile(join(root, "etc", "hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\talkor\n");
  const pci = join(dir, "pci");
  for (const [slot, pciClass] of [["0000:00:02.0", "0x030000"], ["0000:00:05.0", "0x020000"], ["0000:00:03.0", "0x020000"]] as const) {
    await mkdir(join(pci, slot), { recursive: true });
    await writeFile(join(pci, slot, "class"), `${pciClass}\n`);
  }
  return {
    root,
    async run(cmdline, drive) {
      await writeFile(join(dir, "cmdline"), `${cmdline}\n`);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ALKOR_SITE_ROOT: root,
        ALKOR_CMDLINE_FILE: join(dir, "cmdline"),
        ALKOR_SYS_BUS_PCI: pci,
      };
      if (drive !== undefined) {
        await mkdir(join(dir, "drive"), { recursive: true });
        await writeFile(join(dir, "drive", "alkor.conf"), drive);
        env.ALKOR_CONFIG_DRIVE_DIR = join(dir, "drive");
      }
      return run(siteSetup, [], { env });
    },
    read: (path) => readFile(join(root, path), "utf8"),
  };
}

/** The agent's own reading of the written config, defaults filled in. */
async function agentConfig(node: Machine): Promise<Record<string, any>> {
  const { stdout } = await run(alkord, ["--config", join(node.root, "etc/alkor/alkord.json"), "--check-config"]);
  return JSON.parse(stdout) as Record<string, any>;
}

const labCmdline =
  "root=/dev/vda rw console=ttyS0 alkor.hostname=node1 alkor.ip=10.253.0.11/24 alkor.gw=10.253.0.1 " +
  "alkor.seeds=10.253.0.12:1883,10.253.0.13:1883 alkor.bmc=10.253.0.254:9001 alkor.bmc_user=admin " +
  'alkor.bmc_password=se"cr\\et alkor.watchdog=1 alkor.cluster=lab alkor.cluster_ip=10.253.0.100/24';

test("a lab node's command line gives the host name, the management network and a config alkord accepts", async (t) => {
  const node = await machine(t);
  await node.run(labCmdline);

  t.is(await node.read("etc/hostname"), "node1\n");
  t.is(await node.read("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\tnode1\n");
  const network = await node.read("etc/systemd/network/10-alkor-management.network");
  t.regex(network, /^\[Match\]\nPath=pci-0000:00:03\.0$/m, "the first NIC in slot order, not in listing order");
  t.regex(network, /^Address=10\.253\.0\.11\/24$/m);
  t.regex(network, /^Gateway=10\.253\.0\.1$/m);

  const config = await agentConfig(node);
  t.is(config.nodeName, "node1");
  t.is(config.management.address, "10.253.0.11");
  t.deepEqual(config.discovery.seeds, ["10.253.0.12:1883", "10.253.0.13:1883"]);
  t.like(config.bmc, { address: "10.253.0.254", port: 9001, user: "admin", password: 'se"cr\\et' });
  t.is(config.watchdog.device, "/dev/watchdog");
  t.is((await stat(join(node.root, "etc/alkor/alkord.json"))).mode & 0o777, 0o600, "it holds the BMC password");
  await t.throwsAsync(stat(join(node.root, "etc/alkor/site.json")), undefined, "alkord reads the cluster words from /proc/cmdline itself");
});

test("a BMC without a port gets IPMI's 623, and without credentials is left out", async (t) => {
  const node = await machine(t);
  await node.run("alkor.bmc=192.0.2.7 alkor.bmc_user=admin alkor.bmc_password=secret");
  t.like((await agentConfig(node)).bmc, { address: "192.0.2.7", port: 623 });

  const { stderr } = await node.run("alkor.hostname=node2 alkor.bmc=192.0.2.7:623");
  t.regex(stderr, /alkor\.bmc_user and alkor\.bmc_password are needed/);
  t.is((await agentConfig(node)).bmc, undefined);
});

test("the config drive fills in what the command line does not say, and its cluster words become site.json", async (t) => {
  const node = await machine(t);
  const drive = [
    "# site of rack 4",
    "alkor.hostname=from-drive alkor.ip=10.0.0.5/16",
    "alkor.join_token=abcdefgh12 alkor.expected_nodes=3 # three nodes",
    "alkor.cluster_ip=10.253.0.100/24",
  ].join("\n");
  await node.run("alkor.hostname=node3 alkor.cluster=lab", drive);

  t.is(await node.read("etc/hostname"), "node3\n", "the command line wins");
  t.is((await agentConfig(node)).management.address, "10.0.0.5");
  const site = parseSiteConfigText(await node.read("etc/alkor/site.json"), "site.json");
  t.deepEqual(site, { clusterName: "lab", clusterIp: "10.253.0.100/24", joinToken: "abcdefgh12", expectedNodes: 3 });
});

test("bad words are reported and left out; the good ones are still written and the boot goes on", async (t) => {
  const node = await machine(t);
  const { stderr } = await node.run("alkor.hostname=node_1 alkor.ip=10.253.0.300/24 alkor.seeds=10.253.0.12 alkor.watchdog=yes alkor.log_level=debug");
  t.regex(stderr, /ignoring alkor\.hostname=node_1/);
  t.regex(stderr, /ignoring alkor\.ip=10\.253\.0\.300\/24/);
  t.regex(stderr, /ignoring alkor\.seeds=.*'10\.253\.0\.12' is not HOST:PORT/);
  t.regex(stderr, /ignoring alkor\.watchdog=yes/);
  const config = await agentConfig(node);
  t.is(config.log.level, "debug");
  t.is(config.nodeName, undefined);
  t.is(config.watchdog, undefined);
  await t.throwsAsync(stat(join(node.root, "etc/systemd/network/10-alkor-management.network")));
});

test("alkor.netdev names the management NIC; a boot without alkor words keeps what an earlier one wrote", async (t) => {
  const node = await machine(t);
  await node.run("alkor.hostname=node4 alkor.ip=fd00::4/64 alkor.netdev=ens5");
  const network = await node.read("etc/systemd/network/10-alkor-management.network");
  t.regex(network, /^Name=ens5$/m);
  t.regex(network, /^Address=fd00::4\/64$/m);
  const config = await node.read("etc/alkor/alkord.json");

  await node.run("root=/dev/vda rw quiet");
  t.is(await node.read("etc/alkor/alkord.json"), config);
  t.is(await node.read("etc/hostname"), "node4\n");
  t.is(await node.read("etc/systemd/network/10-alkor-management.network"), network);
});
