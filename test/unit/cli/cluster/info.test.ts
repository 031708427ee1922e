import test from "ava";
import { formatClusterInfo } from "../../../../src/cli/cluster/info.js";
import { SAMPLE_CLUSTER_INFO } from "../fake-cluster-control.js";

test("says the cluster IP goes on the management address's device when no master netdev is set", (t) => {
  const lines = formatClusterInfo({ ...SAMPLE_CLUSTER_INFO, masterNetdev: null });
  t.true(lines.includes("  master netdev: the management address's device"));
});

test("shows the creation time in UTC to the second", (t) => {
  const lines = formatClusterInfo({ ...SAMPLE_CLUSTER_INFO, createdAt: Date.UTC(2030, 0, 2, 3, 4, 5, 999) });
  t.true(lines.includes("Creation time: 2030-01-02T03:04:05Z"));
});

test("shows the instance defaults as gnt-cluster info does: storage and MAC prefix among the cluster's parameters, then the groups", (t) => {
  const lines = formatClusterInfo({
    ...SAMPLE_CLUSTER_INFO,
    instanceDefaults: {
      ...SAMPLE_CLUSTER_INFO.instanceDefaults,
      beparams: { maxmem: 1024, minmem: 512, vcpus: 2, auto_balance: false, always_failover: true },
      hvparams: { ...SAMPLE_CLUSTER_INFO.instanceDefaults.hvparams, serial_console: false, kernel_path: "/boot/vmlinuz" },
      nicparams: { mode: "routed", link: "100" },
      fileStorageDir: "/srv/disks",
      volumeGroup: "xenvg",
      macPrefix: "aa:00:01",
    },
  });
  const from = (heading: string, count: number) => lines.slice(lines.indexOf(heading), lines.indexOf(heading) + count);
  t.deepEqual(from("  mac prefix: aa:00:01", 3), ["  mac prefix: aa:00:01", "  lvm volume group: xenvg", "  file storage path: /srv/disks"]);
  t.deepEqual(from("Hypervisor parameters:", 9), [
    "Hypervisor parameters:",
    "  kvm:",
    "    boot_order: disk",
    '    initrd_path: ""',
    "    kernel_args: ro",
    "    kernel_path: /boot/vmlinuz",
    "    root_path: /dev/vda1",
    "    serial_console: false",
    '    vnc_bind_address: ""',
  ]);
  t.deepEqual(from("Default instance parameters:", 7), [
    "Default instance parameters:",
    "  default:",
    "    always_failover: true",
    "    auto_balance: false",
    "    maxmem: 1024",
    "    minmem: 512",
    "    vcpus: 2",
  ]);
  t.deepEqual(from("Default nic parameters:", 4), ["Default nic parameters:", "  default:", "    link: 100", "    mode: routed"]);
});
