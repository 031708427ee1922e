import test from "ava";
import { osEnvironment, type OsEnvironmentInput } from "../../../../src/host/os/os-environment.js";

const input: OsEnvironmentInput = {
  os: { name: "alkor-image", variant: "image" },
  osParams: { image: "/srv/images/debian.qcow2", "root-size": "8" },
  instance: {
    name: "web1.example.com",
    uuid: "0b1f3c5e-8a2d-4c6f-9e1b-3d5f7a9c2e4b",
    primaryNode: "node1.example.com",
    hypervisor: "kvm",
    beparams: { maxmem: 512, vcpus: 2, auto_balance: true, always_failover: false },
    hvparams: { kernel_path: "", boot_order: "disk" },
  },
  disks: [
    { path: "/srv/alkor/file-storage/0b1f/disk0-5a7c.qcow2", uuid: "5a7c9e1b-2d4f-4a6c-8e0b-1c3e5f7a9b2d", name: "root", access: "rw", backendType: "file", format: "qcow2" },
    { path: "/dev/alkor/9c2e4a6b.disk1", uuid: "9c2e4a6b-8d0f-4b2d-a4c6-e8f0a2b4c6d8", name: null, access: "ro", backendType: "block", format: "raw" },
  ],
  nics: [
    { mac: "aa:00:00:12:34:56", uuid: "1d3f5b7c-9e1a-4c3e-8b5d-7f9a1c3e5b7d", name: "lan", ip: "192.0.2.10", mode: "bridged", link: "br0" },
    { mac: "aa:00:00:65:43:21", uuid: "2e4a6c8e-0b2d-4f6a-9c8e-1a3c5e7a9c1e", name: null, ip: null, mode: "routed", link: "100" },
  ],
  debugLevel: 0,
};

test("the environment has Ganeti's variables for the OS, the instance, its disks and NICs", (t) => {
  t.deepEqual(osEnvironment(input), {
    PATH: "/sbin:/bin:/usr/sbin:/usr/bin",
    OS_API_VERSION: "20",
    OS_NAME: "alkor-image",
    OS_VARIANT: "image",
    OSP_IMAGE: "/srv/images/debian.qcow2",
    OSP_ROOT_SIZE: "8",
    INSTANCE_NAME: "web1.example.com",
    INSTANCE_OS: "alkor-image+image",
    INSTANCE_UUID: "0b1f3c5e-8a2d-4c6f-9e1b-3d5f7a9c2e4b",
    INSTANCE_PRIMARY_NODE: "node1.example.com",
    HYPERVISOR: "kvm",
    DEBUG_LEVEL: "0",
    DISK_COUNT: "2",
    DISK_0_PATH: "/srv/alkor/file-storage/0b1f/disk0-5a7c.qcow2",
    DISK_0_ACCESS: "rw",
    DISK_0_UUID: "5a7c9e1b-2d4f-4a6c-8e0b-1c3e5f7a9b2d",
    DISK_0_NAME: "root",
    DISK_0_BACKEND_TYPE: "file",
    DISK_0_FORMAT: "qcow2",
    DISK_1_PATH: "/dev/alkor/9c2e4a6b.disk1",
    DISK_1_ACCESS: "ro",
    DISK_1_UUID: "9c2e4a6b-8d0f-4b2d-a4c6-e8f0a2b4c6d8",
    DISK_1_BACKEND_TYPE: "block",
    DISK_1_FORMAT: "raw",
    NIC_COUNT: "2",
    NIC_0_MAC: "aa:00:00:12:34:56",
    NIC_0_UUID: "1d3f5b7c-9e1a-4c3e-8b5d-7f9a1c3e5b7d",
    NIC_0_NAME: "lan",
    NIC_0_IP: "192.0.2.10",
    NIC_0_MODE: "bridged",
    NIC_0_BRIDGE: "br0",
    NIC_0_LINK: "br0",
    NIC_1_MAC: "aa:00:00:65:43:21",
    NIC_1_UUID: "2e4a6c8e-0b2d-4f6a-9c8e-1a3c5e7a9c1e",
    NIC_1_MODE: "routed",
    NIC_1_LINK: "100",
    INSTANCE_BE_maxmem: "512",
    INSTANCE_BE_vcpus: "2",
    INSTANCE_BE_auto_balance: "True",
    INSTANCE_BE_always_failover: "False",
    INSTANCE_HV_kernel_path: "",
    INSTANCE_HV_boot_order: "disk",
  });
});

test("an OS without variants exports an empty OS_VARIANT and its bare name as INSTANCE_OS", (t) => {
  const env = osEnvironment({ ...input, os: { name: "debootstrap", variant: null } });
  t.is(env.OS_VARIANT, "");
  t.is(env.INSTANCE_OS, "debootstrap");
});

test("rename gets OLD_INSTANCE_NAME, a reinstall INSTANCE_REINSTALL, and debug level 1 asks for verbose logs", (t) => {
  const env = osEnvironment({ ...input, oldInstanceName: "web0.example.com", reinstall: true, debugLevel: 1 });
  t.like(env, { OLD_INSTANCE_NAME: "web0.example.com", INSTANCE_NAME: "web1.example.com", INSTANCE_REINSTALL: "1", DEBUG_LEVEL: "1" });
  t.false("OLD_INSTANCE_NAME" in osEnvironment(input));
  t.false("INSTANCE_REINSTALL" in osEnvironment(input));
});

test("import and export name the disk they move, with the historical alias", (t) => {
  t.like(osEnvironment({ ...input, transfer: { direction: "export", index: 1 } }), {
    EXPORT_INDEX: "1",
    EXPORT_DISK_PATH: "/dev/alkor/9c2e4a6b.disk1",
    EXPORT_DEVICE: "/dev/alkor/9c2e4a6b.disk1",
  });
  t.like(osEnvironment({ ...input, transfer: { direction: "import", index: 0 } }), { IMPORT_INDEX: "0", IMPORT_DISK_PATH: input.disks[0]?.path });
  t.throws(() => osEnvironment({ ...input, transfer: { direction: "import", index: 2 } }), { code: "wrong_input", message: /Cannot import disk 2 of instance web1\.example\.com: it has 2 disk\(s\)/ });
});

test("a value holding a NUL is refused, naming the variable", (t) => {
  t.throws(() => osEnvironment({ ...input, osParams: { image: "/srv/a\0b" } }), { message: "The value of OSP_IMAGE for instance web1.example.com contains a NUL character, which no environment can hold." });
  t.throws(() => osEnvironment({ ...input, disks: [{ ...input.disks[1]!, path: "/dev/x\0" }] }), { message: /DISK_0_PATH/ });
});

test("a parameter whose name cannot be a variable's is refused", (t) => {
  t.throws(() => osEnvironment({ ...input, osParams: { "a=b": "x" } }), { message: /"OSP_A=B" cannot be the name/ });
  t.throws(() => osEnvironment({ ...input, instance: { ...input.instance, hvparams: { "bad name": "x" } } }), { message: /"INSTANCE_HV_bad name" cannot be the name/ });
});

test("an instance without disks or NICs has counts of zero", (t) => {
  t.like(osEnvironment({ ...input, disks: [], nics: [] }), { DISK_COUNT: "0", NIC_COUNT: "0" });
});
