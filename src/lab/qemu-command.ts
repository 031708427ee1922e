import { join } from "node:path";
import { AlkorError } from "../model/errors.js";
import { kernelCmdline } from "./kernel-cmdline.js";
import type { LabPlan, NodePlan } from "./layout.js";

export interface ImageFiles {
  kernel: string;
  initrd: string;
  rootfs: string;
}

/**
 * The image's files. The uncompressed `vmlinux`, where the image has one,
 * boots by PVH without decompressing itself: 2.1 s against 4.8 s for the
 * bzImage to a shell under TCG (shared/LAB-NOTES.md).
 */
export function imageFiles(imageDir: string, kernel: "vmlinux" | "vmlinuz" = "vmlinuz"): ImageFiles {
  return { kernel: join(imageDir, kernel), initrd: join(imageDir, "initrd.img"), rootfs: join(imageDir, "rootfs.img") };
}

/**
 * The qemu command line of one lab node, as argv. Devices sit at fixed PCI
 * slots so the guest sees the same names on every boot: the NIC in slot 3
 * (ens3, the qemu-lab profile's management NIC), vda (the image overlay)
 * and vdb (the data disk) after it.
 */
export function qemuArgv(plan: LabPlan, node: NodePlan, image: ImageFiles): string[] {
  const { files } = node;
  const { memoryMiB, cpus } = plan.settings;
  return [
    "qemu-system-x86_64",
    "-name", node.name,
    // /dev/kvm is not usable on these machines (shared/LAB-NOTES.md).
    "-accel", "tcg",
    "-machine", "pc",
    "-m", String(memoryMiB),
    "-smp", String(cpus),
    "-nodefaults",
    "-display", "none",
    "-kernel", image.kernel,
    "-initrd", image.initrd,
    "-append", kernelCmdline(plan, node),
    "-netdev", `tap,id=net0,ifname=${node.tap},script=no,downscript=no`,
    "-device", `virtio-net-pci,netdev=net0,mac=${node.mac},addr=0x3`,
    // cache=unsafe: the lab is thrown away; flushes reaching the host disk only slow the guests.
    "-drive", `file=${files.rootDisk},format=qcow2,if=none,id=root0,cache=unsafe`,
    "-device", `virtio-blk-pci,drive=root0,addr=0x4,serial=alkor-root-${node.index}`,
    "-drive", `file=${files.dataDisk},format=qcow2,if=none,id=data0,cache=unsafe`,
    "-device", `virtio-blk-pci,drive=data0,addr=0x5,serial=alkor-data-${node.index}`,
    "-device", "i6300esb,addr=0x7",
    "-watchdog-action", "reset",
    "-serial", `file:${files.console}`,
    "-chardev", `socket,id=qga0,path=${files.qgaSocket},server=on,wait=off`,
    "-device", "virtio-serial-pci,id=serial0,addr=0x6",
    "-device", "virtserialport,bus=serial0.0,chardev=qga0,name=org.qemu.guest_agent.0",
    // The BMC: ipmi_sim's VM serial interface; qemu reconnects if the simulator restarts.
    "-chardev", `socket,id=ipmi0,host=127.0.0.1,port=${node.bmcChardevPort},reconnect=10`,
    "-device", "ipmi-bmc-extern,chardev=ipmi0,id=bmc0",
    "-device", "isa-ipmi-kcs,bmc=bmc0",
    "-pidfile", files.qemuPidFile,
  ];
}

const shellSafe = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argv as a /bin/sh command line. Words with other characters are put
 * in single quotes; a word holding a quote or a backslash is refused,
 * since ipmi_sim's lan.conf strings cannot carry them.
 */
export function shellCommand(argv: readonly string[]): string {
  return argv
    .map((word) => {
      if (/['"\\\n]/.test(word)) throw new AlkorError("wrong_input", `A lab command word cannot hold quotes, backslashes or newlines: ${word}`);
      return shellSafe.test(word) ? word : `'${word}'`;
    })
    .join(" ");
}
