import type { NodePlan } from "./layout.js";

/**
 * The lan.conf of a node's BMC (ipmi_lan(5)). `startcmd` is the node's qemu
 * command line: ipmi_sim runs it as `sh -c "exec CMD"` on power on (and at
 * its own start, `startnow`), treats the node as powered while that process
 * lives, and on power off asks qemu over the VM serial interface, then
 * SIGTERMs after poweroff_wait and SIGKILLs after kill_wait.
 */
export function lanConf(node: NodePlan, startCommand: string, options: { startNow: boolean }): string {
  const auths = "none md2 md5 straight";
  return [
    `# BMC of lab ${node.name}: IPMI LAN on ${node.bmc.address}:${node.bmc.port}, VM serial interface for qemu on 127.0.0.1:${node.bmcChardevPort}`,
    `name "${node.name}"`,
    "set_working_mc 0x20",
    "  startlan 1",
    `    addr ${node.bmc.address} ${node.bmc.port}`,
    "    priv_limit admin",
    `    allowed_auths_callback ${auths}`,
    `    allowed_auths_user ${auths}`,
    `    allowed_auths_operator ${auths}`,
    `    allowed_auths_admin ${auths}`,
    `    guid ${bmcGuid(node)}`,
    "  endlan",
    `  serial 15 127.0.0.1 ${node.bmcChardevPort} codec VM`,
    `  startcmd "${startCommand}"`,
    `  startnow ${options.startNow ? "true" : "false"}`,
    "  poweroff_wait 10",
    "  kill_wait 5",
    `  user 2 true "${node.bmc.user}" "${node.bmc.password}" admin 10 ${auths}`,
    "",
  ].join("\n");
}

/** A stable GUID per node: ipmitool shows it in `mc guid`. */
function bmcGuid(node: NodePlan): string {
  return `a1c0a1c0${node.index.toString(16).padStart(24, "0")}`;
}

/**
 * The emulation commands ipmi_sim runs at start (ipmi_sim_cmd(5)): the BMC
 * itself at 0x20 with a SEL, as the qemu IPMI documentation sets it up.
 * Byte values need their 0x prefix.
 */
export function bmcEmu(): string {
  return [
    "mc_setbmc 0x20",
    "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr",
    "sel_enable 0x20 1000 0x0a",
    "mc_enable 0x20",
    "",
  ].join("\n");
}
