import { join } from "node:path";
import { AlkorError } from "../model/errors.js";

/**
 * Where everything of the qemu lab lives: one network namespace holding a
 * bridge (the lab's L2 segment, 10.253.0.0/24), one tap per node on it, and
 * per node a directory with its disks, its BMC's configuration and the
 * sockets and logs of its qemu. Pure: the runner creates what this names,
 * `stop` and the tests find it again through the state file.
 */
export const LAB_NAMESPACE = "alkor-lab";
/** Interface names start with "alkor" so a leftover in the wrong namespace is recognisable. */
export const LAB_BRIDGE = "alkorbr0";
export const LAB_SUBNET_PREFIX = "10.253.0";
export const LAB_PREFIX_LENGTH = 24;
/** The namespace's own address on the segment: the guests' gateway, a way out to nowhere. */
export const LAB_GATEWAY = `${LAB_SUBNET_PREFIX}.1`;
export const LAB_CLUSTER_NAME = "lab";
export const LAB_CLUSTER_IP = `${LAB_SUBNET_PREFIX}.100/${LAB_PREFIX_LENGTH}`;
export const LAB_JOIN_TOKEN = "alkor-lab-join-token";
export const LAB_BMC_USER = "admin";
export const LAB_BMC_PASSWORD = "alkor-lab-bmc";
/** The standard IPMI LAN port (RMCP): each BMC has an address of its own, as real ones do. */
export const LAB_BMC_PORT = 623;
/** alkord's broker port, the default of its config. */
export const AGENT_BROKER_PORT = 1883;
/** Nodes take .11 and up, BMCs .101 and up; .100 is the cluster IP. */
export const MAX_LAB_NODES = 9;

export const DEFAULT_LAB_DIR = "/var/tmp/alkor-lab";

export interface LabSettings {
  nodes: number;
  /** The lab's state directory: the state file and a folder per node. */
  labDir: string;
  /** The image the nodes boot (`make image`): vmlinuz, initrd.img, rootfs.img. */
  imageDir: string;
  memoryMiB: number;
  cpus: number;
  dataDiskBytes: number;
}

export interface NodeFiles {
  dir: string;
  /** qcow2 overlay of the image's rootfs.img: the node's vda. */
  rootDisk: string;
  /** The node's vdb, where the first-boot unit makes the volume group. */
  dataDisk: string;
  console: string;
  qgaSocket: string;
  qemuPidFile: string;
  lanConf: string;
  bmcEmu: string;
  bmcStateDir: string;
  bmcLog: string;
}

export interface NodePlan {
  index: number;
  name: string;
  address: string;
  mac: string;
  tap: string;
  bmc: { address: string; port: number; user: string; password: string };
  /** Port of ipmi_sim's VM serial interface, on the namespace's loopback, that qemu's ipmi-bmc-extern connects to. */
  bmcChardevPort: number;
  files: NodeFiles;
}

export interface LabPlan {
  namespace: string;
  bridge: string;
  gateway: string;
  prefixLength: number;
  cluster: { name: string; ip: string; joinToken: string; expectedNodes: number };
  settings: LabSettings;
  nodes: NodePlan[];
}

export function nodeFiles(labDir: string, name: string): NodeFiles {
  const dir = join(labDir, name);
  return {
    dir,
    rootDisk: join(dir, "root.qcow2"),
    dataDisk: join(dir, "data.qcow2"),
    console: join(dir, "console.log"),
    qgaSocket: join(dir, "qga.sock"),
    qemuPidFile: join(dir, "qemu.pid"),
    lanConf: join(dir, "lan.conf"),
    bmcEmu: join(dir, "bmc.emu"),
    bmcStateDir: join(dir, "bmc-state"),
    bmcLog: join(dir, "bmc.log"),
  };
}

export function planLab(settings: LabSettings): LabPlan {
  if (!Number.isInteger(settings.nodes) || settings.nodes < 1 || settings.nodes > MAX_LAB_NODES) {
    throw new AlkorError("wrong_input", `The lab has 1 to ${MAX_LAB_NODES} nodes, not ${settings.nodes}.`);
  }
  const nodes = Array.from({ length: settings.nodes }, (_, i): NodePlan => {
    const index = i + 1;
    const name = `node${index}`;
    return {
      index,
      name,
      address: `${LAB_SUBNET_PREFIX}.${10 + index}`,
      // 52:54:00 is qemu's own prefix, which the qemu-lab profile matches.
      mac: `52:54:00:4c:00:${index.toString(16).padStart(2, "0")}`,
      tap: `alkortap${index}`,
      bmc: { address: `${LAB_SUBNET_PREFIX}.${100 + index}`, port: LAB_BMC_PORT, user: LAB_BMC_USER, password: LAB_BMC_PASSWORD },
      bmcChardevPort: 9000 + index,
      files: nodeFiles(settings.labDir, name),
    };
  });
  return {
    namespace: LAB_NAMESPACE,
    bridge: LAB_BRIDGE,
    gateway: LAB_GATEWAY,
    prefixLength: LAB_PREFIX_LENGTH,
    cluster: { name: LAB_CLUSTER_NAME, ip: LAB_CLUSTER_IP, joinToken: LAB_JOIN_TOKEN, expectedNodes: settings.nodes },
    settings,
    nodes,
  };
}

export function labStateFile(labDir: string): string {
  return join(labDir, "lab.json");
}
