import test from "ava";
import { bmcEmu, lanConf } from "../../../src/lab/ipmi-sim-config.js";
import { kernelCmdline } from "../../../src/lab/kernel-cmdline.js";
import { planLab, type LabSettings } from "../../../src/lab/layout.js";
import { imageFiles, qemuArgv, shellCommand } from "../../../src/lab/qemu-command.js";

const settings: LabSettings = { nodes: 3, labDir: "/var/tmp/alkor-lab", imageDir: "/repo/.image", memoryMiB: 1024, cpus: 1, dataDiskBytes: 1024 ** 3 };
const plan = planLab(settings);
const image = imageFiles("/repo/.image");

function valueAfter(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((word, i) => (word === flag ? [argv[i + 1]!] : []));
}

test("each node gets its own address, MAC, tap, BMC address and chardev port", (t) => {
  t.deepEqual(
    plan.nodes.map((node) => [node.name, node.address, node.mac, node.tap, node.bmc.address, node.bmc.port, node.bmcChardevPort]),
    [
      ["node1", "10.253.0.11", "52:54:00:4c:00:01", "alkortap1", "10.253.0.101", 623, 9001],
      ["node2", "10.253.0.12", "52:54:00:4c:00:02", "alkortap2", "10.253.0.102", 623, 9002],
      ["node3", "10.253.0.13", "52:54:00:4c:00:03", "alkortap3", "10.253.0.103", 623, 9003],
    ],
  );
  t.is(plan.nodes[1]!.files.qgaSocket, "/var/tmp/alkor-lab/node2/qga.sock");
  t.is(plan.cluster.expectedNodes, 3);
});

test("a lab of no nodes or more than the address plan holds is refused", (t) => {
  t.throws(() => planLab({ ...settings, nodes: 0 }), { message: /1 to 9 nodes/ });
  t.throws(() => planLab({ ...settings, nodes: 10 }), { message: /1 to 9 nodes/ });
});

test("the kernel command line carries the node's settings, its peers as seeds and the site config", (t) => {
  const words = kernelCmdline(plan, plan.nodes[0]!).split(" ");
  for (const word of [
    "root=/dev/vda",
    "console=ttyS0,115200",
    "systemd.mask=serial-getty@ttyS0.service",
    "alkor.hostname=node1",
    "alkor.ip=10.253.0.11/24",
    "alkor.gw=10.253.0.1",
    "alkor.seeds=10.253.0.12:1883,10.253.0.13:1883",
    "alkor.bmc=10.253.0.101:623",
    "alkor.bmc_user=admin",
    "alkor.bmc_password=alkor-lab-bmc",
    "alkor.watchdog=1",
    "alkor.cluster=lab",
    "alkor.cluster_ip=10.253.0.100/24",
    "alkor.join_token=alkor-lab-join-token",
    "alkor.expected_nodes=3",
  ]) {
    t.true(words.includes(word), word);
  }
});

test("a single-node lab has no seeds", (t) => {
  const single = planLab({ ...settings, nodes: 1 });
  t.false(kernelCmdline(single, single.nodes[0]!).includes("alkor.seeds"));
});

test("qemu runs under TCG with direct kernel boot, both disks, the tap, the watchdog, the guest agent and the BMC", (t) => {
  const argv = qemuArgv(plan, plan.nodes[1]!, image);
  t.is(argv[0], "qemu-system-x86_64");
  t.deepEqual(valueAfter(argv, "-accel"), ["tcg"]);
  t.deepEqual(valueAfter(argv, "-m"), ["1024"]);
  t.deepEqual(valueAfter(argv, "-smp"), ["1"]);
  t.deepEqual(valueAfter(argv, "-kernel"), ["/repo/.image/vmlinuz"]);
  t.deepEqual(valueAfter(argv, "-initrd"), ["/repo/.image/initrd.img"]);
  t.deepEqual(valueAfter(argv, "-append"), [kernelCmdline(plan, plan.nodes[1]!)]);
  t.deepEqual(valueAfter(argv, "-netdev"), ["tap,id=net0,ifname=alkortap2,script=no,downscript=no"]);
  t.deepEqual(valueAfter(argv, "-drive").map((drive) => drive.split(",")[0]), ["file=/var/tmp/alkor-lab/node2/root.qcow2", "file=/var/tmp/alkor-lab/node2/data.qcow2"]);
  const devices = valueAfter(argv, "-device");
  t.true(devices.includes("virtio-net-pci,netdev=net0,mac=52:54:00:4c:00:02,addr=0x3"));
  t.true(devices.includes("i6300esb,addr=0x7"));
  t.true(devices.includes("ipmi-bmc-extern,chardev=ipmi0,id=bmc0"));
  t.true(devices.includes("isa-ipmi-kcs,bmc=bmc0"));
  t.true(devices.includes("virtserialport,bus=serial0.0,chardev=qga0,name=org.qemu.guest_agent.0"));
  t.deepEqual(valueAfter(argv, "-watchdog-action"), ["reset"]);
  t.deepEqual(valueAfter(argv, "-chardev"), [
    "socket,id=qga0,path=/var/tmp/alkor-lab/node2/qga.sock,server=on,wait=off",
    "socket,id=ipmi0,host=127.0.0.1,port=9002,reconnect=10",
  ]);
  t.deepEqual(valueAfter(argv, "-serial"), ["file:/var/tmp/alkor-lab/node2/console.log"]);
  t.deepEqual(valueAfter(argv, "-display"), ["none"]);
  t.false(argv.includes("-no-reboot"), "a BMC power reset and the watchdog reboot the guest in place");
});

test("the uncompressed kernel is booted where the image has one", (t) => {
  t.deepEqual(valueAfter(qemuArgv(plan, plan.nodes[0]!, imageFiles("/repo/.image", "vmlinux")), "-kernel"), ["/repo/.image/vmlinux"]);
});

test("shellCommand quotes words with spaces and refuses what lan.conf cannot carry", (t) => {
  t.is(shellCommand(["qemu", "-append", "a=1 b=2", "file:/x/y.log"]), "qemu -append 'a=1 b=2' file:/x/y.log");
  t.throws(() => shellCommand(["echo", "it's"]), { message: /quotes/ });
  t.throws(() => shellCommand(["echo", 'say "hi"']), { message: /quotes/ });
});

test("lan.conf listens on the BMC's own address, wires the VM serial interface and starts the node with its qemu command line", (t) => {
  const node = plan.nodes[0]!;
  const command = shellCommand(qemuArgv(plan, node, image));
  const lines = lanConf(node, command, { startNow: true }).split("\n").map((line) => line.trim());
  t.true(lines.includes("addr 10.253.0.101 623"));
  t.true(lines.includes("serial 15 127.0.0.1 9001 codec VM"));
  t.true(lines.includes(`startcmd "${command}"`));
  t.true(lines.includes("startnow true"));
  t.true(lines.includes('user 2 true "admin" "alkor-lab-bmc" admin 10 none md2 md5 straight'));
  t.true(lines.includes('name "node1"'));
  t.true(lanConf(node, command, { startNow: false }).includes("startnow false"));
});

test("the BMC emulation sets up the management controller with a SEL, bytes in 0x form", (t) => {
  const lines = bmcEmu().trim().split("\n");
  t.deepEqual(lines[0], "mc_setbmc 0x20");
  t.true(lines.some((line) => line.startsWith("sel_enable 0x20")));
  t.is(lines.at(-1), "mc_enable 0x20");
});
