import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import test from "ava";
import { InstanceBodySchema, instancePath, InstanceListBodySchema, INSTANCES_PATH } from "../../../src/api/local/contract.js";
import { getJson, type Endpoint } from "../../../src/cli/endpoint.js";
import { agreedMaster } from "../../../src/demo/cluster-probe.js";
import type { LocalCluster } from "../../../src/demo/local-cluster.js";
import type { InstanceView } from "../../../src/model/instance.js";
import { runAlkor } from "../../helpers/alkor-command.js";
import { siteCluster } from "../../helpers/site-cluster.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * The instance lifecycle on three real agents, each driving libvirt's test
 * driver through the binding: every alkor-instance command end to end, with
 * the domain's state read back from libvirt by the node that runs it.
 */
const names = ["node1", "node2", "node3"];
let baseDir: string;
let cluster: LocalCluster;

test.before(async () => {
  baseDir = await mkdtemp(join(tmpdir(), "alkor-instances-"));
  cluster = siteCluster({ baseDir, prefix: "127.0.62", name: "inst" });
  await cluster.start();
  await waitFor("the three agents to form cluster inst", async () => (await agreedMaster(names.map((name) => cluster.node(name).controlSocket))) !== null, { timeoutMs: 30_000 });
});

test.after.always(async () => {
  await cluster?.stop();
  if (baseDir) await rm(baseDir, { recursive: true, force: true });
});

const endpoint = (node: string): Endpoint => ({ kind: "unix", socketPath: cluster.node(node).controlSocket });

function alkor(node: string, command: string, ...args: string[]) {
  return runAlkor(cluster.node(node).controlSocket, command, args);
}

async function instance(name: string, via = "node1"): Promise<InstanceView> {
  return (await getJson(endpoint(via), instancePath(name), InstanceBodySchema, 10_000)).instance;
}

async function instanceNames(via = "node1"): Promise<string[]> {
  return (await getJson(endpoint(via), INSTANCES_PATH, InstanceListBodySchema, 10_000)).instances.map((one) => one.name);
}

/** Where a file disk of an instance lies on its primary node (each demo node has its own file storage directory). */
function diskFile(view: InstanceView, index: number): string {
  const disk = view.disks[index]!;
  return join(cluster.node(view.primaryNode).dir, "file-storage", view.uuid, `disk${index}-${disk.uuid}.${disk.format}`);
}

async function succeeds(node: string, command: string, ...args: string[]) {
  const result = await alkor(node, command, ...args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.code}): ${result.stderr}${result.stdout}`);
  return result;
}

test.serial("alkor-os lists the shipped OS with its variants, valid on every node", async (t) => {
  const list = await succeeds("node2", "alkor-os", "list");
  t.regex(list.stdout, /^alkor-image\+blank$/m);
  t.regex(list.stdout, /^alkor-image\+image$/m);
  const diagnose = await succeeds("node3", "alkor-os", "diagnose");
  t.regex(diagnose.stdout, /alkor-image/);
  t.notRegex(diagnose.stdout, /problem|invalid/i);
});

test.serial("add makes the disk file, installs the OS, defines and starts the domain with maxmem; list and info show it", async (t) => {
  const added = await succeeds("node1", "alkor-instance", "add", "-n", "node2", "-o", "alkor-image+blank", "-t", "file", "-s", "64M", "-B", "maxmem=512,minmem=256,vcpus=2", "web1");
  t.regex(added.stdout + added.stderr, /Starting instance web1 on node2 with 512 MiB/);
  const view = await instance("web1", "node3");
  t.is(view.primaryNode, "node2");
  t.is(view.status, "running");
  t.is(view.domainState, "running");
  t.is(view.operRamMiB, 512);
  t.is(view.operVcpus, 2);
  t.is(view.disks[0]?.sizeMiB, 64);
  t.true(existsSync(diskFile(view, 0)), "the disk file is on node2");
  const list = await succeeds("node3", "alkor-instance", "list", "--no-headers", "-o", "name,pnode,status,oper_ram");
  t.regex(list.stdout, /^web1\s+node2\s+running\s+512M?$/m);
  const info = await succeeds("node1", "alkor-instance", "info", "web1");
  t.regex(info.stdout, /web1/);
  t.regex(info.stdout, /node2/);
  t.regex(info.stdout, /alkor-image\+blank/);
});

test.serial("shutdown, startup (with temporary -B) and reboot change the domain's state in libvirt", async (t) => {
  await succeeds("node1", "alkor-instance", "shutdown", "--timeout", "5", "web1");
  let view = await instance("web1");
  t.is(view.status, "ADMIN_down");
  t.is(view.domainState, "shutoff");
  await succeeds("node2", "alkor-instance", "startup", "-B", "maxmem=384,vcpus=1", "web1");
  view = await instance("web1");
  t.is(view.status, "running");
  t.deepEqual([view.operRamMiB, view.operVcpus], [384, 1], "the temporary maxmem and vcpus");
  t.deepEqual([view.beparams.maxmem, view.beparams.vcpus], [512, 2], "the configuration keeps its own");
  for (const type of ["soft", "hard", "full"]) {
    await succeeds("node3", "alkor-instance", "reboot", "--type", type, "web1");
    view = await instance("web1");
    t.is(view.domainState, "running", `after a ${type} reboot`);
  }
  // A reboot keeps the memory the domain runs with (as after modify -m); the parameters are the configuration's again.
  t.deepEqual([view.operRamMiB, view.operVcpus], [384, 2], "rebooted hard or full, it runs with its own vcpus again");
});

test.serial("modify changes memory at runtime within maxmem, vcpus, NICs and disks, and takes an instance offline and back", async (t) => {
  await succeeds("node1", "alkor-instance", "modify", "-m", "300M", "web1");
  t.is((await instance("web1")).operRamMiB, 300);
  const above = await alkor("node1", "alkor-instance", "modify", "-m", "1G", "web1");
  t.is(above.code, 1);
  t.regex(above.stderr, /cannot have 1024 MiB at runtime: its maxmem is 512 MiB/);
  await succeeds("node1", "alkor-instance", "modify", "-B", "vcpus=4", "--net", "add:mac=aa:00:00:12:34:56,link=br1", "web1");
  let view = await instance("web1");
  t.is(view.beparams.vcpus, 4);
  t.deepEqual(view.nics.map((nic) => nic.mac).slice(1), ["aa:00:00:12:34:56"]);
  t.is(view.nics[1]?.link, "br1");
  await succeeds("node1", "alkor-instance", "modify", "--net", "1:modify,ip=192.0.2.10", "web1");
  t.is((await instance("web1")).nics[1]?.ip, "192.0.2.10");
  await succeeds("node1", "alkor-instance", "modify", "--net", "1:remove", "web1");
  t.is((await instance("web1")).nics.length, 1);
  await succeeds("node1", "alkor-instance", "modify", "--disk", "add:size=32M", "web1");
  view = await instance("web1");
  t.deepEqual(view.disks.map((disk) => disk.sizeMiB), [64, 32]);
  t.true(existsSync(diskFile(view, 1)), "the new disk's file is on node2");
  await succeeds("node1", "alkor-instance", "shutdown", "web1");
  await succeeds("node1", "alkor-instance", "modify", "--offline", "web1");
  t.is((await instance("web1")).status, "ADMIN_offline");
  const refused = await alkor("node1", "alkor-instance", "startup", "web1");
  t.is(refused.code, 1);
  t.regex(refused.stderr, /offline; bring it online first/);
  await succeeds("node1", "alkor-instance", "modify", "--online", "web1");
  t.is((await instance("web1")).status, "ADMIN_down");
});

test.serial("rename, activate-disks, deactivate-disks, grow-disk and recreate-disks act on the node's files", async (t) => {
  await succeeds("node1", "alkor-instance", "rename", "web1", "web9");
  t.deepEqual((await instanceNames()).filter((name) => name.startsWith("web")), ["web9"]);
  let view = await instance("web9");
  const activated = await succeeds("node1", "alkor-instance", "activate-disks", "web9");
  t.true(activated.stdout.includes(`node2:disk/0:${diskFile(view, 0)}`), activated.stdout);
  t.true((await instance("web9")).disksActive);
  await succeeds("node1", "alkor-instance", "deactivate-disks", "web9");
  t.false((await instance("web9")).disksActive);
  await succeeds("node1", "alkor-instance", "grow-disk", "web9", "0", "64M");
  view = await instance("web9");
  t.is(view.disks[0]?.sizeMiB, 128);
  const shrink = await alkor("node1", "alkor-instance", "grow-disk", "--absolute", "web9", "0", "16M");
  t.is(shrink.code, 1);
  t.regex(shrink.stderr, /can only grow/);
  await unlink(diskFile(view, 1));
  await succeeds("node1", "alkor-instance", "recreate-disks", "web9");
  t.true(existsSync(diskFile(view, 1)), "the lost disk is made again");
  t.is((await stat(diskFile(view, 1))).size, 32 * 1024 * 1024);
});

test.serial("instances carry tags", async (t) => {
  await succeeds("node1", "alkor-instance", "add-tags", "web9", "role:web", "env:test");
  t.deepEqual((await succeeds("node3", "alkor-instance", "list-tags", "web9")).stdout.trim().split("\n"), ["env:test", "role:web"]);
  await succeeds("node2", "alkor-instance", "remove-tags", "web9", "env:test");
  t.deepEqual((await instance("web9")).tags, ["role:web"]);
});

test.serial("without -n the allocator (-I hail) chooses the node and says why in the job log", async (t) => {
  const added = await succeeds("node2", "alkor-instance", "add", "-I", "hail", "--no-install", "-o", "alkor-image+blank", "-t", "diskless", "--no-start", "db1");
  t.notRegex(added.stdout + added.stderr, /Installing/, "--no-install runs no OS script");
  t.regex(added.stdout + added.stderr, /Allocator: Selected node\d/);
  const view = await instance("db1");
  t.is(view.status, "ADMIN_down");
  t.is(view.domainState, "shutoff", "the domain is defined in libvirt, not started");
});

test.serial("bad input is refused with errors naming what was wrong", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [["-n", "node1", "-o", "no-such-os", "-t", "diskless", "x1"], /OS no-such-os is not known on node node1/],
    [["-n", "node1", "-o", "alkor-image+blank", "-t", "file", "-s", "60T", "x2"], /Not enough disk space on node node1 for instance x2: 62914560 MiB needed/],
    [["-n", "node1", "-o", "alkor-image+blank", "-t", "diskless", "web9"], /Instance web9 already exists/],
    [["-n", "node1", "-o", "alkor-image+blank", "-t", "diskless", "--net", "0:mac=zz:00:00:00:00:01", "x3"], /mac.*six lower-case hex pairs/i],
    [["-n", "node1", "-o", "alkor-image+blank", "-t", "diskless", "-B", "memory=64G", "x4"], /asks for 65536 MiB of memory, more than node node1 has in all/],
    [["-n", "node7", "-o", "alkor-image+blank", "-t", "diskless", "x5"], /Node node7 is not a member of the cluster/],
  ];
  for (const [args, expected] of cases) {
    const result = await alkor("node1", "alkor-instance", "add", ...args);
    // 1 when the job refused it, 2 when the command itself did (a malformed MAC never reaches the master).
    t.true(result.code === 1 || result.code === 2, args.join(" "));
    t.regex(result.stderr, expected, args.join(" "));
  }
  t.deepEqual((await instanceNames()).filter((name) => name.startsWith("x")), []);
});

test.serial("a failure in the middle of add leaves no disk file, no domain and no configuration entry", async (t) => {
  const before = await readdir(join(cluster.node("node3").dir, "file-storage")).catch(() => []);
  const result = await alkor("node1", "alkor-instance", "add", "-n", "node3", "-o", "alkor-image+image", "-O", "image=/nonexistent/image.qcow2", "-t", "file", "-s", "16M", "broken1");
  t.is(result.code, 1);
  t.regex(result.stderr, /OS create script for instance broken1 failed/);
  t.regex(result.stderr, /does not exist/);
  t.false((await instanceNames()).includes("broken1"));
  t.deepEqual(await readdir(join(cluster.node("node3").dir, "file-storage")).catch(() => []), before, "no disk file or directory is left");
  const verify = await alkor("node1", "alkor-cluster", "verify");
  t.notRegex(verify.stdout + verify.stderr, /broken1/, "no domain broken1 is left in libvirt");
});

test.serial("batch-create makes every instance of a spec file", async (t) => {
  const spec = join(baseDir, "batch.json");
  await writeFile(
    spec,
    JSON.stringify({
      batch1: { template: "diskless", os: "alkor-image+blank", primary: "node1", backend: { memory: 128 }, start: false },
      batch2: { template: "file", os: "alkor-image+blank", primary: "node3", disk_size: ["16M"], start: true },
    }),
  );
  await succeeds("node1", "alkor-instance", "batch-create", spec);
  t.is((await instance("batch1")).status, "ADMIN_down");
  t.is((await instance("batch2")).status, "running");
  const running = await succeeds("node2", "alkor-instance", "list", "--no-headers", "-o", "name", "-F", 'status == "running" and name =~ m/^batch/');
  t.deepEqual(running.stdout.trim().split("\n"), ["batch2"]);
});

test.serial("cluster verify reports an instance that should run but does not", async (t) => {
  await succeeds("node1", "alkor-instance", "shutdown", "--no-remember", "batch2");
  t.is((await instance("batch2")).status, "ERROR_down");
  const verify = await alkor("node2", "alkor-cluster", "verify");
  t.regex(verify.stdout + verify.stderr, /ERROR: instance batch2: instance not running on its primary node/);
  await succeeds("node1", "alkor-instance", "startup", "batch2");
  t.is((await instance("batch2")).status, "running");
});

test.serial("cluster verify reports a disk file no instance has, and a disk its instance lacks", async (t) => {
  const clean = await succeeds("node1", "alkor-cluster", "verify");
  t.regex(clean.stdout, /\* Verifying instance disks\n[^\n]*\* Verifying orphan volumes\n[^\n]*\* Verifying N\+1/, "every disk is where the configuration says");
  // A disk left by a create cut short on node3, named as alkor names disks.
  const stray = join(cluster.node("node3").dir, "file-storage", randomUUID(), `disk0-${randomUUID()}.raw`);
  await mkdir(dirname(stray), { recursive: true });
  await writeFile(stray, "");
  const withStray = await succeeds("node1", "alkor-cluster", "verify");
  t.regex(withStray.stdout, new RegExp(`WARNING: node node3: disk file ${stray} is unknown`));
  await rm(dirname(stray), { recursive: true });
  // batch2's disk moved away: verify fails, naming the instance, the disk and the node.
  const view = await instance("batch2");
  await rename(diskFile(view, 0), `${diskFile(view, 0)}.moved`);
  const lacking = await alkor("node2", "alkor-cluster", "verify");
  await rename(`${diskFile(view, 0)}.moved`, diskFile(view, 0));
  t.is(lacking.code, 1);
  t.regex(lacking.stdout + lacking.stderr, new RegExp(`ERROR: instance batch2: disk/0 \\(${view.disks[0]!.uuid}\\) is missing on node node3`));
  t.notRegex(lacking.stdout + lacking.stderr, /\.moved/, "a file not named as alkor names disks is not counted");
});

test.serial("remove takes the domain, the disk files and the configuration entry away", async (t) => {
  const view = await instance("web9");
  await succeeds("node1", "alkor-instance", "remove", "-f", "web9");
  t.false((await instanceNames()).includes("web9"));
  t.false(existsSync(diskFile(view, 0)));
  t.false(existsSync(join(cluster.node("node2").dir, "file-storage", view.uuid)), "the instance's directory is gone");
  const verify = await alkor("node1", "alkor-cluster", "verify");
  t.notRegex(verify.stdout + verify.stderr, /web9/, "libvirt on node2 has no domain web9 left");
  for (const name of ["db1", "batch1", "batch2"]) await succeeds("node1", "alkor-instance", "remove", "-f", name);
  t.deepEqual(await instanceNames(), []);
});
