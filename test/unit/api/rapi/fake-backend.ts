import { ClusterInstanceDirectory } from "../../../../src/cluster/instances/cluster-instance-directory.js";
import { validateJobOps } from "../../../../src/cluster/jobs/opcode-input.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { defaultInstanceDefaults } from "../../../../src/cluster/state/instance-schema.js";
import type { Job, JobStatus, OpcodeInput } from "../../../../src/cluster/jobs/model.js";
import type { JobQueueApi, QueueInfo } from "../../../../src/cluster/jobs/queue-api.js";
import type { ClusterNode, ClusterState } from "../../../../src/cluster/state/schema.js";
import type { RapiBackend } from "../../../../src/api/rapi/backend.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { NodeView } from "../../../../src/model/node.js";
import { FakeInstanceNodes, sampleInstances } from "./fake-instances.js";

/**
 * An in-memory RapiBackend for testing the HTTP layer only: a fixed cluster
 * of four nodes, three instances (fake-instances.ts) and three jobs. It
 * records every write (submit, cancel, ...) and lets a test change a job to
 * wake long polls. A submission is checked against the opcodes' definitions,
 * as the real queue checks it.
 */

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
export const GROUP_UUID = "e7e4dba5-60f6-4e8a-b95e-f45b03af0832";
export const CREATED_AT = Date.UTC(2026, 10, 23, 6, 0, 0, 250);

function clusterNode(index: number, overrides: Partial<ClusterNode> = {}): ClusterNode {
  return {
    uuid: `00000000-0000-4000-8000-00000000000${index}`,
    name: `node${index}.alkor.test`,
    address: `198.18.0.${index}`,
    brokerPort: 1883,
    group: GROUP_UUID,
    operatorDemoted: false,
    addedAt: CREATED_AT + index * 1000,
    tags: [],
    masterCandidate: false,
    drained: false,
    offline: false,
    masterCapable: true,
    vmCapable: true,
    ...overrides,
  };
}

export function sampleState(): ClusterState {
  const nodes = [
    clusterNode(1, { masterCandidate: true, tags: ["rack:a"] }),
    clusterNode(2, { masterCandidate: true }),
    clusterNode(3, { drained: true }),
    clusterNode(4, { offline: true }),
  ];
  const jobs = [sampleJob(1, "success"), failedJob(2), sampleJob(3, "queued")];
  return {
    cluster: {
      name: "cluster.alkor.test",
      uuid: "c439ff7c-247c-4bc0-9a82-02c7be6898b8",
      clusterIp: "198.18.0.10/24",
      masterNetdev: "br0",
      candidatePoolSize: 10,
      joinToken: "join-token-0123456789",
      createdAt: CREATED_AT,
      tls: { cert: "-----BEGIN CERTIFICATE-----cluster", key: "-----BEGIN PRIVATE KEY-----cluster" },
    },
    nodeGroups: { [GROUP_UUID]: { uuid: GROUP_UUID, name: "default" } },
    nodes: Object.fromEntries(nodes.map((node) => [node.uuid, node])),
    tags: ["benchtag"],
    instances: Object.fromEntries(sampleInstances().map((instance) => [instance.uuid, instance])),
    instanceDefaults: defaultInstanceDefaults,
    jobs: Object.fromEntries(jobs.map((job) => [String(job.id), job])),
    queue: { drained: false, archiveAfterMs: 6 * 3600_000, nextJobId: 4 },
    watcher: { pausedUntil: null },
    serial: 42,
  };
}

export function sampleView(index: number, overrides: Partial<NodeView> = {}): NodeView {
  return {
    name: `node${index}.alkor.test`,
    uuid: `00000000-0000-4000-8000-00000000000${index}`,
    self: index === 1,
    role: "regular",
    status: "alive",
    lastSeenAgoMs: 0,
    version: "0.1.0",
    managementAddress: `198.18.0.${index}`,
    brokerPort: 1883,
    cpus: 2,
    memoryTotalBytes: 24105 * MIB,
    memoryFreeBytes: 23519 * MIB,
    diskTotalBytes: 252 * GIB,
    diskFreeBytes: 78.5 * GIB,
    hardware: {
      manufacturer: "QEMU",
      model: "Standard PC",
      serial: "",
      cpuModel: "QEMU Virtual CPU",
      cpuCores: 2,
      cpuThreads: 2,
      memoryBytes: 24105 * MIB,
      diskCount: 1,
      diskBytes: 252 * GIB,
      nicCount: 1,
      profile: "qemu-lab",
    },
    ...overrides,
  };
}

/** node3 is dead in this agent's eyes and node4 (offline) unseen. */
export function sampleViews(): NodeView[] {
  return [sampleView(1), sampleView(2, { status: "suspect" }), sampleView(3, { status: "dead" })];
}

const T0 = CREATED_AT + 3600_000;

export function sampleJob(id: number, status: JobStatus): Job {
  const ended = status === "success" || status === "error" || status === "canceled";
  const started = ended || status === "running";
  return {
    id,
    priority: 0,
    status,
    ops: [
      {
        input: { OP_ID: "OP_TAGS_SET", kind: "cluster", tags: [`tag${id}`] },
        status,
        result: null,
        startedAt: started ? T0 + id * 10_000 + 100 : null,
        execAt: null,
        endedAt: ended ? T0 + id * 10_000 + 350 : null,
        log: started ? [{ serial: 1, at: T0 + id * 10_000 + 200, type: "message", message: "setting tags" }] : [],
      },
    ],
    receivedAt: T0 + id * 10_000,
    startedAt: started ? T0 + id * 10_000 + 100 : null,
    endedAt: ended ? T0 + id * 10_000 + 350 : null,
    submittedBy: "admin",
    logSerial: started ? 1 : 0,
  };
}

function failedJob(id: number): Job {
  const job = sampleJob(id, "error");
  job.ops[0]!.result = { code: "already_exists", message: "Tag tag2 is already set on the cluster", phase: "prerequisites" };
  return job;
}

export interface Write {
  call: "submit" | "cancel" | "archive" | "setDrained" | "pauseWatcher";
  args: unknown[];
}

export class FakeRapiBackend implements RapiBackend {
  state = sampleState();
  masterName = "node1.alkor.test";
  views = sampleViews();
  readonly writes: Write[] = [];
  /** Long polls waiting in waitForChange now. */
  pendingWaits = 0;
  readonly softwareVersion = "0.1.0";
  /** What the fake nodes report about instances and OS definitions. */
  readonly instanceNodes = new FakeInstanceNodes();
  /** The agent's real directory, over this state and the fake nodes' answers. */
  readonly instances = new ClusterInstanceDirectory({
    read: async () => this.state,
    nodeRpc: this.instanceNodes.rpc,
    selfName: "node1.alkor.test",
    consoleSocketPath: (uuid) => `/run/alkor/console/${uuid}.sock`,
  });
  private nextJobId = 100;
  private readonly listeners = new Map<number, Set<() => void>>();

  readonly jobs: JobQueueApi = {
    submit: async (ops, options) => {
      this.writes.push({ call: "submit", args: [ops, options] });
      validateJobOps(opcodeTable, ops);
      const id = this.nextJobId++;
      this.state.jobs[String(id)] = { ...sampleJob(id, "queued"), ops: ops.map((input) => ({ ...sampleJob(id, "queued").ops[0]!, input })) };
      return id;
    },
    get: async (id) => this.job(id),
    list: async () => Object.values(this.state.jobs),
    waitForChange: (id, known, timeoutMs) => this.waitForChange(id, known, timeoutMs),
    cancel: async (id) => {
      this.writes.push({ call: "cancel", args: [id] });
      const job = this.job(id);
      if (job.status !== "queued" && job.status !== "waiting") throw new AlkorError("wrong_state", `Job ${id} is ${job.status}; only queued or waiting jobs can be canceled.`);
      const canceled: Job = { ...job, status: "canceled" };
      this.updateJob(canceled);
      return canceled;
    },
    archive: async (which) => {
      this.writes.push({ call: "archive", args: [which] });
      return [];
    },
    queueInfo: async (): Promise<QueueInfo> => ({ drained: false, counts: { queued: 0, waiting: 0, canceling: 0, running: 0, canceled: 0, success: 0, error: 0 }, archiveAfterMs: 1 }),
    setDrained: async (drained) => {
      this.writes.push({ call: "setDrained", args: [drained] });
    },
    watcherInfo: async () => ({ pausedUntil: null }),
    pauseWatcher: async (until) => {
      this.writes.push({ call: "pauseWatcher", args: [until] });
      return { pausedUntil: until };
    },
  };

  async read(): Promise<{ state: ClusterState; masterName: string }> {
    return { state: this.state, masterName: this.masterName };
  }

  async nodes(): Promise<NodeView[]> {
    return this.views;
  }

  summarize(input: OpcodeInput): string {
    const kind = typeof input.kind === "string" ? `(${input.kind})` : "";
    return `${input.OP_ID.replace(/^OP_/, "")}${kind}`;
  }

  /** Replaces a job as the queue would, waking its long polls. */
  updateJob(job: Job): void {
    this.state.jobs[String(job.id)] = job;
    for (const wake of this.listeners.get(job.id) ?? []) wake();
  }

  private job(id: number): Job {
    const job = this.state.jobs[String(id)];
    if (job === undefined) throw new AlkorError("unknown_entity", `Job ${id} does not exist.`);
    return job;
  }

  private waitForChange(id: number, known: { status: JobStatus | null; logSerial: number }, timeoutMs: number): Promise<Job | null> {
    const changed = (): Job | null => {
      const job = this.job(id);
      return job.status !== known.status || job.logSerial > known.logSerial ? job : null;
    };
    const now = changed();
    if (now !== null) return Promise.resolve(now);
    this.pendingWaits += 1;
    return new Promise((resolve) => {
      const listeners = this.listeners.get(id) ?? new Set();
      this.listeners.set(id, listeners);
      const finish = (job: Job | null): void => {
        clearTimeout(timer);
        listeners.delete(wake);
        this.pendingWaits -= 1;
        resolve(job);
      };
      const wake = (): void => {
        const job = changed();
        if (job !== null) finish(job);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      listeners.add(wake);
    });
  }
}
