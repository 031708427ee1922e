import { AGENT_BROKER_PORT, type LabPlan, type NodePlan } from "./layout.js";

/**
 * The kernel command line of a lab node. The image's setup unit reads the
 * node's own settings (hostname, address, seeds, BMC, watchdog); alkord reads
 * the site config (alkor.cluster ... alkor.expected_nodes) itself, so the
 * nodes form the cluster with no command, as appliances installed by PXE
 * would.
 */
export function kernelCmdline(plan: LabPlan, node: NodePlan): string {
  const seeds = plan.nodes.filter((other) => other.name !== node.name).map((other) => `${other.address}:${AGENT_BROKER_PORT}`);
  const words = [
    // vda is the overlay of the image's whole-disk ext4 (no partition table).
    "root=/dev/vda",
    "rw",
    "console=ttyS0,115200",
    // Without it systemd waits 90 s for dev-ttyS0.device (shared/LAB-NOTES.md).
    "systemd.mask=serial-getty@ttyS0.service",
    // A panicking node comes back by itself, as the watchdog would bring it.
    "panic=10",
    // Under TCG the CPU bug mitigations are pure cost: there is no real CPU to leak from.
    "mitigations=off",
    `alkor.hostname=${node.name}`,
    `alkor.ip=${node.address}/${plan.prefixLength}`,
    `alkor.gw=${plan.gateway}`,
    ...(seeds.length > 0 ? [`alkor.seeds=${seeds.join(",")}`] : []),
    `alkor.bmc=${node.bmc.address}:${node.bmc.port}`,
    `alkor.bmc_user=${node.bmc.user}`,
    `alkor.bmc_password=${node.bmc.password}`,
    "alkor.watchdog=1",
    `alkor.cluster=${plan.cluster.name}`,
    `alkor.cluster_ip=${plan.cluster.ip}`,
    `alkor.join_token=${plan.cluster.joinToken}`,
    `alkor.expected_nodes=${plan.cluster.expectedNodes}`,
  ];
  return words.join(" ");
}
