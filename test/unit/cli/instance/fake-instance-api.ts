import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExecutionContext } from "ava";
import { pino, type Logger } from "pino";
import type { InstanceConsoleBody, OsListBody } from "../../../../src/api/local/contract.js";
import type { InstanceDirectory } from "../../../../src/api/local/instance-directory.js";
import { LocalApiServer } from "../../../../src/api/local/server.js";
import { CliService } from "../../../../src/cli/cli-service.js";
import { agentPrograms } from "../../../../src/cli/programs/index.js";
import { parseOpcode } from "../../../../src/cluster/jobs/opcode-input.js";
import { opcodeTable } from "../../../../src/cluster/opcodes/table.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { InstanceView } from "../../../../src/model/instance.js";
import { FakeJobQueue } from "../../api/local/fake-job-queue.js";
import { FakeNodeDirectory, SAMPLE_NODES } from "../../api/local/fake-node-directory.js";
import { FakeClusterControl, type SampleTags } from "../fake-cluster-control.js";
import type { Run } from "../run-cli.js";

/** Tue Nov 24 14:00:00 2026 UTC. */
const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

/** An instance view as the agent serves it; web1 running on node1 unless overridden. */
export function sampleView(overrides: Partial<InstanceView> & Pick<InstanceView, "name">): InstanceView {
  return {
    uuid: "5b9e1f0c-7d3a-4e2b-9c1d-0a1b2c3d4e5f",
    os: "debootstrap+default",
    osParams: {},
    primaryNode: "node1",
    secondaryNodes: [],
    diskTemplate: "plain",
    disks: [{ index: 0, uuid: "d0000000-0000-4000-8000-000000000000", name: null, sizeMiB: 10240, mode: "rw", format: "raw" }],
    nics: [{ index: 0, uuid: "e0000000-0000-4000-8000-000000000000", name: null, mac: "aa:00:00:12:34:56", ip: null, mode: "bridged", link: "br0" }],
    beparams: { maxmem: 512, minmem: 256, vcpus: 2, auto_balance: true, always_failover: false },
    hvparams: { kernel_path: "", initrd_path: "", kernel_args: "ro", root_path: "/dev/vda1", boot_order: "disk", serial_console: true, vnc_bind_address: "" },
    customBeparams: { maxmem: 512, minmem: 256, vcpus: 2 },
    customHvparams: {},
    customNicparams: [{}],
    adminState: "up",
    adminStateSource: "admin",
    disksActive: true,
    status: "running",
    operState: true,
    domainState: "running",
    operRamMiB: 512,
    operVcpus: 2,
    runtimeError: null,
    ctime: T0,
    mtime: T0 + 60_000,
    serial: 3,
    networkPort: 11_000,
    tags: [],
    ...overrides,
  };
}

/** web1 running, db2 stopped with two disks, web10 whose primary did not answer. */
export const SAMPLE_VIEWS: InstanceView[] = [
  sampleView({ name: "web10", uuid: "5b9e1f0c-7d3a-4e2b-9c1d-0a1b2c3d4e10", primaryNode: "node10", status: "ERROR_nodedown", operState: null, domainState: null, operRamMiB: null, operVcpus: null, runtimeError: "node node10 is dead", tags: ["web"] }),
  sampleView({ name: "web1", tags: ["web", "prod"] }),
  sampleView({
    name: "db2",
    uuid: "5b9e1f0c-7d3a-4e2b-9c1d-0a1b2c3d4e02",
    os: "debootstrap+minimal",
    primaryNode: "node2",
    adminState: "down",
    status: "ADMIN_down",
    operState: false,
    domainState: "shutoff",
    operRamMiB: null,
    operVcpus: null,
    disksActive: false,
    disks: [
      { index: 0, uuid: "d0000000-0000-4000-8000-000000000002", name: "root", sizeMiB: 20480, mode: "rw", format: "raw" },
      { index: 1, uuid: "d0000000-0000-4000-8000-000000000003", name: null, sizeMiB: 512, mode: "ro", format: "raw" },
    ],
    nics: [{ index: 0, uuid: "e0000000-0000-4000-8000-000000000002", name: "lan", mac: "aa:00:00:ab:cd:ef", ip: "192.0.2.20", mode: "routed", link: "main" }],
    beparams: { maxmem: 2048, minmem: 1024, vcpus: 4, auto_balance: true, always_failover: false },
    customBeparams: { maxmem: 2048, minmem: 1024, vcpus: 4 },
    customHvparams: { kernel_path: "/boot/vmlinuz" },
    hvparams: { kernel_path: "/boot/vmlinuz", initrd_path: "", kernel_args: "ro", root_path: "/dev/vda1", boot_order: "disk", serial_console: false, vnc_bind_address: "" },
  }),
];

/** An InstanceDirectory over fixed views, consoles and OS lists. */
export class FakeInstanceDirectory implements InstanceDirectory {
  constructor(
    private readonly views: InstanceView[] = SAMPLE_VIEWS,
    private readonly consoles: Record<string, InstanceConsoleBody> = {},
    private readonly oses: OsListBody["nodes"] = [],
  ) {}

  async list(): Promise<InstanceView[]> {
    return this.views.toSorted((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<InstanceView> {
    const view = this.views.find((candidate) => candidate.name === name);
    if (!view) throw new AlkorError("unknown_entity", `Instance ${name} does not exist.`);
    return view;
  }

  async console(name: string): Promise<InstanceConsoleBody> {
    const body = this.consoles[name];
    if (!body) throw new AlkorError("unknown_entity", `Instance ${name} does not exist.`);
    return body;
  }

  async operatingSystems(): Promise<OsListBody["nodes"]> {
    return this.oses;
  }
}

/** Jobs that succeed at once with the given results. */
export function succeeding(results: unknown[] = []): FakeJobQueue {
  return new FakeJobQueue({ script: () => ({ status: "success", results }) });
}

/**
 * A real local API server on a unix socket in a fresh temporary directory
 * with instances (and jobs, tags) behind it, stopped when the test ends;
 * returns its endpoint. With thinClient it also runs commands for
 * native/alkor-cli, as the agent does, in UTC.
 */
export async function startInstanceApi(
  t: ExecutionContext,
  options: { instances?: InstanceDirectory; jobs?: FakeJobQueue; tags?: SampleTags; thinClient?: boolean; cliLog?: Logger } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-instance-api-"));
  const socketPath = join(dir, "alkord.sock");
  const server = new LocalApiServer({
    listen: { socketPath },
    directory: new FakeNodeDirectory(SAMPLE_NODES),
    cluster: new FakeClusterControl(options.tags ? { tags: options.tags } : {}),
    jobs: options.jobs ?? new FakeJobQueue(),
    instances: options.instances ?? new FakeInstanceDirectory(),
    ...(options.thinClient ? { cli: new CliService({ programs: agentPrograms, endpoint: `unix:${socketPath}`, timeZone: "UTC", log: options.cliLog ?? pino({ level: "silent" }) }) } : {}),
    log: pino({ level: "silent" }),
  });
  await server.start();
  t.teardown(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return `unix:${socketPath}`;
}

/** Runs the built alkor-instance or alkor-os as run-cli.ts runs the others: no ALKOR_* settings, TZ=UTC, stdin not a terminal. */
export function runCli(command: "alkor-instance" | "alkor-os", args: string[]): Promise<Run> {
  const cli = fileURLToPath(new URL(`../../../../src/cli/${command}.js`, import.meta.url));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("ALKOR_")));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { env: { ...inherited, TZ: "UTC" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** Checks an opcode the CLI built against the opcode's own schema, as the agent will; returns the parsed parameters. */
export function acceptedByOpcode(op: unknown): Record<string, unknown> {
  return parseOpcode(opcodeTable, op, 0).params;
}
