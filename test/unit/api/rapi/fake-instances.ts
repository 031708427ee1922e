import type { NodeRpcCall } from "../../../../src/cluster/opcodes/definition.js";
import type { Instance } from "../../../../src/cluster/state/instance-schema.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { NodeInstanceReport, OsDefinitionView } from "../../../../src/node/instance-rpc-methods.js";

/**
 * Three configured instances and what the fake nodes say about them, for
 * the RAPI tests: the real ClusterInstanceDirectory runs over these answers,
 * so the views the RAPI renders are built as the agent builds them.
 *
 * - inst1 runs on node1 (plain, two disks, custom beparams, a tag);
 * - inst2 is stopped on node2 (diskless, like Ganeti's sample instance);
 * - inst10 should run on node3, which does not answer (ERROR_nodedown).
 */

export const INSTANCE_CREATED_AT = Date.UTC(2026, 10, 23, 7, 0, 0, 500);
const NODE = (index: number): string => `00000000-0000-4000-8000-00000000000${index}`;

export function sampleInstances(): Instance[] {
  const base = {
    osParams: {},
    secondaryNodes: [],
    hvparams: {},
    adminStateSource: "admin" as const,
    disksActive: false,
    createdAt: INSTANCE_CREATED_AT,
    modifiedAt: INSTANCE_CREATED_AT + 60_250,
    tags: [],
  };
  return [
    {
      ...base,
      uuid: "10000000-0000-4000-8000-000000000001",
      name: "inst1.alkor.test",
      os: "debootstrap+default",
      osParams: { dhcp: "yes" },
      primaryNode: NODE(1),
      diskTemplate: "plain",
      disks: [
        { uuid: "d1000000-0000-4000-8000-000000000001", name: "root", sizeMiB: 10240, mode: "rw", format: "raw" },
        { uuid: "d1000000-0000-4000-8000-000000000002", name: null, sizeMiB: 2048, mode: "rw", format: "raw" },
      ],
      nics: [{ uuid: "e1000000-0000-4000-8000-000000000001", name: "eth0", mac: "aa:00:00:00:00:01", ip: "198.18.1.1", params: {} }],
      beparams: { maxmem: 512, minmem: 256, vcpus: 2 },
      hvparams: { kernel_args: "ro console=ttyS0" },
      adminState: "up",
      disksActive: true,
      serial: 3,
      tags: ["env:prod"],
      networkPort: 11_000,
    },
    {
      ...base,
      uuid: "10000000-0000-4000-8000-000000000002",
      name: "inst2.alkor.test",
      os: "noop",
      primaryNode: NODE(2),
      diskTemplate: "diskless",
      disks: [],
      nics: [{ uuid: "e1000000-0000-4000-8000-000000000002", name: null, mac: "aa:00:00:00:00:02", ip: null, params: { mode: "routed", link: "100" } }],
      beparams: {},
      adminState: "down",
      serial: 1,
      networkPort: 11_001,
    },
    {
      ...base,
      uuid: "10000000-0000-4000-8000-000000000010",
      name: "inst10.alkor.test",
      os: "noop",
      primaryNode: NODE(3),
      diskTemplate: "file",
      disks: [{ uuid: "d1000000-0000-4000-8000-000000000010", name: null, sizeMiB: 1024, mode: "rw", format: "qcow2" }],
      nics: [],
      beparams: {},
      adminState: "up",
      serial: 2,
      networkPort: null,
    },
  ];
}

function report(domains: NodeInstanceReport["domains"]): NodeInstanceReport {
  return { domains, memoryMiB: 24105, freeMemoryMiB: 23000, cpus: 2, storage: { file: 100_000, plain: 200_000 }, hypervisorUri: "qemu:///system" };
}

function os(name: string, variants: string[], valid = true): OsDefinitionView {
  return { name, path: `/srv/alkor/os/${name}`, apiVersions: [20], variants, parameters: [], valid, problems: valid ? [] : ["the create script is not executable"] };
}

/** What each fake node answers; a node missing from a map does not answer. Tests may change them. */
export class FakeInstanceNodes {
  reports = new Map<string, NodeInstanceReport>([
    ["node1.alkor.test", report([{ name: "inst1.alkor.test", uuid: "10000000-0000-4000-8000-000000000001", state: "running", memoryMiB: 512, maxMemoryMiB: 512, vcpus: 2, cpuTimeNs: 1e9 }])],
    ["node2.alkor.test", report([])],
  ]);

  operatingSystems = new Map<string, OsDefinitionView[]>([
    ["node1.alkor.test", [os("debootstrap", ["default", "minimal"]), os("noop", []), os("image", [], false), os("node1-only", [])]],
    ["node2.alkor.test", [os("noop", []), os("debootstrap", ["default"]), os("image", [])]],
  ]);

  readonly rpc: NodeRpcCall = (async (node: string, method: string) => {
    const answer = method === "instance.report" ? this.reports.get(node) : method === "os.list" ? this.osAnswer(node) : undefined;
    if (answer === undefined) throw new AlkorError("environment_error", `Node ${node} did not answer ${method} within 5 s.`);
    return answer;
  }) as NodeRpcCall;

  private osAnswer(node: string): { definitions: OsDefinitionView[] } | undefined {
    const definitions = this.operatingSystems.get(node);
    return definitions === undefined ? undefined : { definitions };
  }
}
