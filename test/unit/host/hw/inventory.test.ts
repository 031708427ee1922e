import test from "ava";
import { collectInventory, InventorySchema } from "../../../../src/host/hw/inventory.js";
import { recordedSystemInfo, type SystemInfoRecording } from "../../../../src/host/hw/systeminformation-source.js";
import { loadRecording } from "../../../fixtures/systeminformation/load.js";

async function inventoryOf(name: string) {
  return collectInventory(recordedSystemInfo(await loadRecording(name)));
}

/** Hand-made raw output; the casts let it hold what the types forbid but real machines produce. */
function oddRecording(recording: Record<string, unknown>): SystemInfoRecording {
  return recording as SystemInfoRecording;
}

test("the inventory of this machine follows its recorded systeminformation output", async (t) => {
  const inventory = await inventoryOf("this-machine");
  t.true(InventorySchema.safeParse(inventory).success);
  t.deepEqual(inventory.system, {
    manufacturer: "",
    model: "Docker Container",
    version: "",
    serial: "",
    uuid: "",
    sku: "",
    virtual: false,
  });
  t.deepEqual(inventory.cpu, { manufacturer: "AMD", model: "AMD EPYC", cores: 2, threads: 2, sockets: 1, virtualization: "none" });
  t.is(inventory.memoryBytes, 25276026880);
  t.deepEqual(inventory.warnings, []);
});

test("the boot disk of this machine is found though diskLayout lists no disk, and zram is not a disk", async (t) => {
  const inventory = await inventoryOf("this-machine");
  t.deepEqual(inventory.disks, [
    {
      name: "vda",
      device: "/dev/vda",
      type: "hdd",
      sizeBytes: 274877906944,
      model: "",
      vendor: "",
      serial: "",
      interface: "",
      removable: false,
      system: true,
    },
  ]);
});

test("loopback is a virtual NIC and the NIC with the default route is marked", async (t) => {
  const inventory = await inventoryOf("this-machine");
  t.deepEqual(
    inventory.nics.map((nic) => [nic.name, nic.virtual, nic.defaultRoute, nic.mac, nic.speedMbps]),
    [
      ["lo", true, false, "", 0],
      ["eth0", false, true, "02:fc:00:00:00:01", 0],
    ],
  );
});

test("a Dell inventory joins diskLayout and blockDevices and marks the BOSS boot card as the system disk", async (t) => {
  const inventory = await inventoryOf("dell-r640-synthetic");
  t.deepEqual(
    inventory.disks.map((disk) => [disk.name, disk.type, disk.interface, disk.model, disk.system]),
    [
      ["nvme0n1", "nvme", "nvme", "Dell Express Flash PM1725b 1.6TB SFF", false],
      ["nvme1n1", "nvme", "nvme", "Dell Express Flash PM1725b 1.6TB SFF", false],
      ["sda", "ssd", "sata", "DELLBOSS VD", true],
      ["sdb", "ssd", "sata", "MZ7KH960HAJR0D3", false],
    ],
  );
});

test("a Dell inventory counts cores, threads and sockets and sees VT-x", async (t) => {
  const inventory = await inventoryOf("dell-r640-synthetic");
  t.deepEqual(inventory.cpu, {
    manufacturer: "Intel",
    model: "Intel Xeon® Gold 6130",
    cores: 32,
    threads: 64,
    sockets: 2,
    virtualization: "vmx",
  });
  t.is(inventory.system.version, "", "dmidecode's Not Specified is a placeholder");
  t.is(inventory.system.sku, "SKU=NotProvided;ModelName=PowerEdge R640");
});

test("a QEMU inventory keeps the virtio disks, drops the CD-ROM and sees AMD-V", async (t) => {
  const inventory = await inventoryOf("qemu-lab-synthetic");
  t.deepEqual(
    inventory.disks.map((disk) => [disk.name, disk.sizeBytes, disk.system]),
    [
      ["vda", 21474836480, true],
      ["vdb", 107374182400, false],
    ],
  );
  t.is(inventory.cpu.virtualization, "svm");
  t.is(inventory.system.serial, "");
  t.true(inventory.system.virtual);
});

test("placeholder, null and odd DMI values become empty strings", async (t) => {
  const inventory = await collectInventory(
    recordedSystemInfo(
      oddRecording({
        system: {
          manufacturer: "To Be Filled By O.E.M.",
          model: "Computer",
          version: "Default string",
          serial: null,
          uuid: "03000200-0400-0500-0006-000700080009",
          sku: "  ",
          virtual: "yes",
        },
        bios: { vendor: 42, version: "System Version", releaseDate: "\u0000\u0000" },
        cpu: { manufacturer: null, brand: ["odd"], cores: "8", physicalCores: 4.6, processors: -1, flags: 17 },
        mem: { total: "not a number" },
      }),
    ),
  );
  t.deepEqual(inventory.system, { manufacturer: "", model: "", version: "", serial: "", uuid: "", sku: "", virtual: false });
  t.deepEqual(inventory.bios, { vendor: "42", version: "", releaseDate: "" });
  t.deepEqual(inventory.cpu, { manufacturer: "", model: "", cores: 5, threads: 8, sockets: 0, virtualization: "none" });
  t.is(inventory.memoryBytes, 0);
});

test("all-zero and all-F UUIDs are placeholders but real UUIDs are kept in lower case", async (t) => {
  const uuidOf = async (uuid: string) =>
    (await collectInventory(recordedSystemInfo(oddRecording({ system: { uuid } })))).system.uuid;
  t.is(await uuidOf("00000000-0000-0000-0000-000000000000"), "");
  t.is(await uuidOf("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"), "");
  t.is(await uuidOf("4C4C4544-0053-5910-804E-B3C04F544831"), "4c4c4544-0053-5910-804e-b3c04f544831");
});

test("odd disk and NIC entries become empty fields or are skipped, never a crash", async (t) => {
  const inventory = await collectInventory(
    recordedSystemInfo(
      oddRecording({
        diskLayout: [null, "sda", { device: "sdz" }, { device: "/dev/sdc", size: -5, type: "SSD", serialNum: "Default string" }],
        blockDevices: [
          { name: "sdc", type: "disk", size: "1000204886016", removable: "1" },
          { name: "loop0", type: "disk", size: 1 << 20 },
          { name: "drbd0", type: "disk", size: 1 << 30 },
          { name: "sdd", type: "disk", size: 0 },
          { name: "sdc1", type: "part", mount: "[SWAP]" },
        ],
        networkInterfaces: [
          { iface: "", mac: "aa:bb:cc:dd:ee:ff" },
          { iface: "eno1", mac: "B0:26:28:A1:B2:C0", speed: null, mtu: "1500", operstate: "UP" },
          { iface: "br0", mac: "not a mac", speed: 10000.4, virtual: true },
          7,
        ],
      }),
    ),
  );
  t.deepEqual(inventory.disks, [
    {
      name: "sdc",
      device: "/dev/sdc",
      type: "ssd",
      sizeBytes: 1000204886016,
      model: "",
      vendor: "",
      serial: "",
      interface: "",
      removable: false,
      system: false,
    },
  ]);
  t.deepEqual(inventory.nics, [
    { name: "eno1", mac: "b0:26:28:a1:b2:c0", ipv4: "", ipv6: "", speedMbps: 0, mtu: 1500, virtual: false, defaultRoute: false, operstate: "up" },
    { name: "br0", mac: "", ipv4: "", ipv6: "", speedMbps: 10000, mtu: 0, virtual: true, defaultRoute: false, operstate: "" },
  ]);
  t.true(InventorySchema.safeParse(inventory).success);
});

test("a failing call leaves its part empty, adds a warning and the rest is still collected", async (t) => {
  const recording = await loadRecording("dell-r640-synthetic");
  delete recording.diskLayout;
  delete recording.blockDevices;
  const inventory = await collectInventory(recordedSystemInfo(recording));
  t.deepEqual(inventory.disks, []);
  t.is(inventory.system.model, "PowerEdge R640");
  t.deepEqual(inventory.warnings, [
    "systeminformation diskLayout() failed: The systeminformation recording has no diskLayout section.",
    "systeminformation blockDevices() failed: The systeminformation recording has no blockDevices section.",
  ]);
});

test("a source whose calls all fail still gives a valid, empty inventory", async (t) => {
  const inventory = await collectInventory(recordedSystemInfo({}));
  t.true(InventorySchema.safeParse(inventory).success);
  t.is(inventory.warnings.length, 7);
  t.is(inventory.memoryBytes, 0);
});
