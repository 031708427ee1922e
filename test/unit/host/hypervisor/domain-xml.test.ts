import { Hypervisor as LibvirtConnection } from "@unraid/libvirt";
import test from "ava";
import { domainXml, escapeXml, kernelCommandLine, routedTapName, virtioDiskName } from "../../../../src/host/hypervisor/domain-xml.js";
import { AlkorError } from "../../../../src/model/errors.js";
import { fullDomainSpec, testDomainSpec, testDriverUri } from "./domain-specs.js";

/** The XML libvirt's test driver keeps after defining `xml`, and the domain undefined again. */
async function definedBack(xml: string): Promise<string> {
  const connection = new LibvirtConnection({ uri: testDriverUri });
  await connection.connectOpen();
  try {
    const domain = await connection.domainDefineXML(xml);
    const stored = await domain.getXMLDesc();
    await domain.undefine();
    return stored;
  } finally {
    await connection.connectClose();
  }
}

test("memory is given in MiB, current (balloon) and maximum, with the VCPU count", (t) => {
  const xml = domainXml(testDomainSpec("mem1", { memoryMiB: 384, maxMemoryMiB: 1024, vcpus: 3 }));
  t.true(xml.includes("<memory unit='MiB'>1024</memory>"));
  t.true(xml.includes("<currentMemory unit='MiB'>384</currentMemory>"));
  t.true(xml.includes("<vcpu>3</vcpu>"));
  t.true(xml.startsWith("<domain type='test'>\n  <name>mem1</name>\n  <uuid>"));
});

test("a kvm domain is an x86_64 hvm on machine pc with ACPI, and leaves the emulator to libvirt", (t) => {
  const xml = domainXml(testDomainSpec("kvm1", { domainType: "kvm" }));
  t.true(xml.startsWith("<domain type='kvm'>"));
  t.true(xml.includes("<type arch='x86_64' machine='pc'>hvm</type>"));
  t.true(xml.includes("<features><acpi/><apic/></features>"));
  t.false(xml.includes("<emulator"));
  t.true(xml.includes("<on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>"));
});

test("direct kernel boot gives kernel, initrd and the kernel arguments followed by root=", (t) => {
  const xml = domainXml(fullDomainSpec("boot1"));
  t.true(xml.includes("<kernel>/boot/vmlinuz-6.1</kernel>\n    <initrd>/boot/initrd.img-6.1</initrd>\n    <cmdline>console=ttyS0 quiet root=/dev/vda1</cmdline>"));
  t.is(kernelCommandLine({ kernelArgs: null, rootPath: "/dev/vda1" }), "root=/dev/vda1");
  t.is(kernelCommandLine({ kernelArgs: " ro ", rootPath: null }), "ro");
});

test("without a kernel, initrd, arguments and root path are left out, as Ganeti does", (t) => {
  const xml = domainXml(testDomainSpec("boot2", { initrdPath: "/boot/initrd", kernelArgs: "quiet", rootPath: "/dev/vda1" }));
  t.false(xml.includes("<kernel"));
  t.false(xml.includes("<initrd"));
  t.false(xml.includes("<cmdline"));
});

test("the boot order puts Ganeti's chosen device first and the disk after it", (t) => {
  t.true(domainXml(testDomainSpec("b1", { bootOrder: "disk" })).includes("<boot dev='hd'/>\n  </os>"));
  t.true(domainXml(testDomainSpec("b2", { bootOrder: "cdrom" })).includes("<boot dev='cdrom'/>\n    <boot dev='hd'/>\n  </os>"));
  t.true(domainXml(testDomainSpec("b3", { bootOrder: "network" })).includes("<boot dev='network'/>\n    <boot dev='hd'/>\n  </os>"));
});

test("disks are virtio vda, vdb, … with their format; block devices bypass the host cache; read-only ones say so", (t) => {
  const xml = domainXml(fullDomainSpec("disk1"));
  t.true(
    xml.includes(
      "<disk type='block' device='disk'>\n      <driver name='qemu' type='raw' cache='none' io='native'/>\n      <source dev='/dev/alkor/disk1-disk0'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>",
    ),
  );
  t.true(
    xml.includes(
      "<disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/var/lib/alkor/disk1-disk1.qcow2'/>\n      <target dev='vdb' bus='virtio'/>\n      <readonly/>\n    </disk>",
    ),
  );
});

test("virtio disk names count like Linux's: vda … vdz, vdaa, vdab, … vdzz, vdaaa", (t) => {
  t.deepEqual([0, 1, 25, 26, 27, 51, 52, 701, 702].map(virtioDiskName), ["vda", "vdb", "vdz", "vdaa", "vdab", "vdaz", "vdba", "vdzz", "vdaaa"]);
});

test("NICs: bridged on their bridge, routed on a tap of their own, openvswitch as an OVS port; all virtio with their MAC", (t) => {
  const spec = fullDomainSpec("nic1", { uuid: "0b9f3c4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e" });
  const xml = domainXml(spec);
  t.true(xml.includes("<interface type='bridge'>\n      <source bridge='br0'/>\n      <mac address='aa:00:00:4e:00:01'/>\n      <model type='virtio'/>\n    </interface>"));
  t.true(xml.includes("<interface type='ethernet'>\n      <target dev='al0b9f3c4e5dn1'/>\n      <mac address='aa:00:00:4e:00:02'/>\n      <model type='virtio'/>\n    </interface>"));
  t.true(
    xml.includes(
      "<interface type='bridge'>\n      <source bridge='ovs0'/>\n      <virtualport type='openvswitch'/>\n      <mac address='aa:00:00:4e:00:03'/>\n      <model type='virtio'/>\n    </interface>",
    ),
  );
});

test("a routed NIC's tap name comes from the instance's uuid and fits a Linux interface name", (t) => {
  t.is(routedTapName("0B9F3C4E-5D6A-4B7C-8D9E-0F1A2B3C4D5E", 0), "al0b9f3c4e5dn0");
  t.true(routedTapName("0b9f3c4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e", 99).length <= 15);
  t.throws(() => routedTapName("0b9f3c4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e", 100), { instanceOf: AlkorError, message: /NIC index 100/ });
});

test("the serial console is a unix socket libvirt listens on, on serial port 0 and as the console", (t) => {
  const xml = domainXml(fullDomainSpec("con1"));
  t.true(xml.includes("<serial type='unix'>\n      <source mode='bind' path='/run/alkor/console/con1.sock'/>\n      <target port='0'/>\n    </serial>"));
  t.true(xml.includes("<console type='unix'>\n      <source mode='bind' path='/run/alkor/console/con1.sock'/>\n      <target type='serial' port='0'/>\n    </console>"));
});

test("VNC listens on the instance's own port; without one (an instance older than ports) libvirt picks it", (t) => {
  t.true(domainXml(fullDomainSpec("vnc1")).includes("    <graphics type='vnc' port='11003' autoport='no' listen='127.0.0.1'/>\n"));
  t.true(domainXml(fullDomainSpec("vnc2", { vnc: { address: "::1", port: null } })).includes("    <graphics type='vnc' autoport='yes' listen='::1'/>\n"));
  for (const port of [0, 65_536, 1.5]) {
    t.throws(() => domainXml(fullDomainSpec("vnc3", { vnc: { address: "127.0.0.1", port } })), { instanceOf: AlkorError, message: `Instance vnc3: VNC port ${port} is not a TCP port.` });
  }
});

test("no console path and no VNC address give no serial, console or graphics", (t) => {
  const xml = domainXml(testDomainSpec("plain1"));
  t.false(xml.includes("<serial"));
  t.false(xml.includes("<console"));
  t.false(xml.includes("<graphics"));
  t.true(xml.includes("<devices>\n  </devices>"));
});

test("escaping turns the five XML specials into entities", (t) => {
  t.is(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});

test("hostile values stay values: nothing in kernel args, paths or names adds elements or attributes", (t) => {
  const hostile = `x' evil='1"><evil/>&amp;`;
  const xml = domainXml(
    fullDomainSpec("h1", {
      name: `h1<${hostile}`,
      kernelArgs: `console=ttyS0 init="/bin/sh -c 'echo <pwn> & reboot'" ${hostile}`,
      kernelPath: `/boot/${hostile}`,
      serialConsolePath: `/run/${hostile}.sock`,
      vnc: { address: `127.0.0.1${hostile}`, port: 11_000 },
      disks: [{ path: `/dev/${hostile}`, kind: "block", format: "raw", readOnly: false }],
      nics: [{ mac: "aa:00:00:4e:00:01", mode: "bridged", link: `br${hostile}` }],
    }),
  );
  t.false(xml.includes("<evil/>"));
  t.false(xml.includes("evil='1'"));
  t.false(/&(?!(lt|gt|amp|quot|apos);)/.test(xml));
  t.true(xml.includes(`<cmdline>console=ttyS0 init=&quot;/bin/sh -c &apos;echo &lt;pwn&gt; &amp; reboot&apos;&quot; x&apos; evil=&apos;1&quot;&gt;&lt;evil/&gt;&amp;amp; root=/dev/vda1</cmdline>`));
});

test("libvirt reads hostile kernel arguments and paths back exactly as given", async (t) => {
  const args = `console=ttyS0 init="/bin/sh -c 'echo <pwn> & reboot'"</cmdline><evil/>`;
  const path = `/var/lib/it's&<odd>".img`;
  const stored = await definedBack(domainXml(testDomainSpec("hostile2", { kernelPath: "/boot/vmlinuz", kernelArgs: args, disks: [{ path, kind: "file", format: "raw", readOnly: false }] })));
  // libvirt escapes what it writes back the same way: equal escapes mean equal values.
  t.true(stored.includes(`<cmdline>${escapeXml(args)}</cmdline>`));
  t.true(stored.includes(`<source file='${escapeXml(path)}'/>`));
  t.false(stored.includes("<evil/>"));
});

test("libvirt's test driver accepts the XML of a full spec and keeps every device", async (t) => {
  const spec = fullDomainSpec("full1");
  const stored = await definedBack(domainXml(spec));
  t.true(stored.includes(`<uuid>${spec.uuid}</uuid>`));
  t.true(stored.includes("<memory unit='KiB'>524288</memory>"));
  t.true(stored.includes("<currentMemory unit='KiB'>262144</currentMemory>"));
  t.true(stored.includes("<cmdline>console=ttyS0 quiet root=/dev/vda1</cmdline>"));
  t.true(stored.includes("<source dev='/dev/alkor/full1-disk0'/>"));
  t.true(stored.includes("<target dev='vdb' bus='virtio'/>"));
  t.true(stored.includes("<readonly/>"));
  t.true(stored.includes("<source bridge='br0'/>"));
  t.true(stored.includes(`<target dev='${routedTapName(spec.uuid, 1)}'/>`));
  t.true(stored.includes("<virtualport type='openvswitch'>"));
  t.true(stored.includes("<source mode='bind' path='/run/alkor/console/full1.sock'/>"));
  t.true(stored.includes("<graphics type='vnc' port='11003' autoport='no' listen='127.0.0.1'>"));
  t.true(stored.includes("<acpi/>"));
});

test("the test driver also takes the kvm variant, so the unit tests see what qemu gets", async (t) => {
  const stored = await definedBack(domainXml(fullDomainSpec("full2", { domainType: "kvm" })));
  t.true(stored.startsWith("<domain type='kvm'>"));
  t.true(stored.includes("<type arch='x86_64' machine='pc'>hvm</type>"));
});

test("a spec libvirt would take wrongly is refused with the instance named", (t) => {
  const refused = (spec: ReturnType<typeof testDomainSpec>, message: RegExp) => t.throws(() => domainXml(spec), { instanceOf: AlkorError, message });
  refused(testDomainSpec("w1", { memoryMiB: 1024, maxMemoryMiB: 512 }), /^Instance w1: memory 1024 MiB must be a positive whole number at most the maximum memory \(512 MiB\)\.$/);
  refused(testDomainSpec("w2", { maxMemoryMiB: 0 }), /^Instance w2: maximum memory 0 MiB/);
  refused(testDomainSpec("w3", { vcpus: 1.5 }), /^Instance w3: 1.5 VCPUs/);
  refused(testDomainSpec("w4", { uuid: "not-a-uuid" }), /^Instance w4: "not-a-uuid" is not a UUID\.$/);
  refused(testDomainSpec("w5", { nics: [{ mac: "aa:00:00:00:00:0g", mode: "bridged", link: "br0" }] }), /is not a MAC address/);
  t.is(t.throws(() => domainXml(testDomainSpec("w6", { vcpus: 0 })), { instanceOf: AlkorError })?.code, "wrong_input");
});
