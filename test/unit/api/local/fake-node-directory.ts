import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { ClusterControl } from "../../../../src/api/local/cluster-control.js";
import type { JobQueueApi } from "../../../../src/cluster/jobs/queue-api.js";
import type { NodeDirectory, NodeInfo } from "../../../../src/api/local/node-directory.js";
import { LocalApiServer } from "../../../../src/api/local/server.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { NodeView } from "../../../../src/model/node.js";

const GIB = 1024 ** 3;

export function sampleNode(overrides: Partial<NodeView> & Pick<NodeView, "name">): NodeView {
  return {
    uuid: "6f1c2a7e-3b1d-4c59-9a57-2f0e0a1b2c3d",
    self: false,
    role: "regular",
    status: "alive",
    lastSeenAgoMs: 1200,
    version: "0.1.0",
    managementAddress: "192.0.2.10",
    brokerPort: 1883,
    cpus: 8,
    memoryTotalBytes: 16 * GIB,
    memoryFreeBytes: 12 * GIB,
    diskTotalBytes: 4000 * GIB,
    diskFreeBytes: 3900 * GIB,
    hardware: {
      manufacturer: "QEMU",
      model: "Standard PC",
      serial: "",
      cpuModel: "QEMU Virtual CPU",
      cpuCores: 4,
      cpuThreads: 8,
      memoryBytes: 16 * GIB,
      diskCount: 2,
      diskBytes: 4000 * GIB,
      nicCount: 1,
      profile: "qemu-lab",
    },
    ...overrides,
  };
}

/** A NodeDirectory over fixed nodes; infos may be given per node, else the inventory is unavailable. */
export class FakeNodeDirectory implements NodeDirectory {
  constructor(
    private readonly nodes: NodeView[],
    private readonly infos: Record<string, Omit<NodeInfo, "node">> = {},
  ) {}

  async list(): Promise<NodeView[]> {
    return this.nodes;
  }

  async info(name: string): Promise<NodeInfo> {
    if (name === "explodes") throw new Error("directory bug");
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (node === undefined) throw new AlkorError("unknown_entity", `Node ${name} is not known to this agent.`);
    return { node, ...(this.infos[name] ?? { inventory: null, profile: null, inventoryError: "node is dead" }) };
  }
}

export const SAMPLE_NODES = [
  sampleNode({ name: "node10", role: "regular", status: "dead", lastSeenAgoMs: 42_000, cpus: 16, memoryFreeBytes: 512 * 1024 * 1024 }),
  sampleNode({ name: "node1", role: "master", self: true, lastSeenAgoMs: 0, uuid: "0b7f4f0e-6d1f-4a55-8f62-3c2d1e0f9a8b" }),
  sampleNode({ name: "node2", role: "candidate" }),
];

export const SAMPLE_INFOS: Record<string, Omit<NodeInfo, "node">> = {
  node1: {
    inventory: { cpu: { brand: "Xeon", cores: 4 }, disks: [{ name: "sda", sizeBytes: 512 }], nics: [] },
    profile: { name: "qemu-lab", panel: "none" },
  },
};

export interface TestServer {
  server: LocalApiServer;
  socketPath: string;
  dir: string;
  close(): Promise<void>;
}

/** A real local API server on a unix socket in a fresh temporary directory, with the cluster and the job queue given. */
export async function startTestServer(
  directory: NodeDirectory = new FakeNodeDirectory(SAMPLE_NODES, SAMPLE_INFOS),
  cluster?: ClusterControl,
  jobs?: JobQueueApi,
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-api-"));
  const socketPath = join(dir, "run", "alkord.sock");
  const server = new LocalApiServer({ listen: { socketPath }, directory, ...(cluster ? { cluster } : {}), ...(jobs ? { jobs } : {}), log: pino({ level: "silent" }) });
  await server.start();
  return {
    server,
    socketPath,
    dir,
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
