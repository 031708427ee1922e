import type { ExecutionContext } from "ava";
import type { ClusterControl } from "../../../src/api/local/cluster-control.js";
import type { ClusterInfoBody, ClusterStatusBody, TagKind } from "../../../src/api/local/contract.js";
import { defaultInstanceDefaults } from "../../../src/cluster/state/instance-schema.js";
import type { JobQueueApi } from "../../../src/cluster/jobs/queue-api.js";
import { AlkorError } from "../../../src/model/errors.js";
import { FakeNodeDirectory, SAMPLE_NODES, startTestServer } from "../api/local/fake-node-directory.js";

export const SAMPLE_CLUSTER_INFO: ClusterInfoBody = {
  name: "cluster1.example.com",
  uuid: "07805e6f-f0af-4310-95f1-572862ee939c",
  master: "node1",
  clusterIp: "192.0.2.100/24",
  masterNetdev: "eth0",
  candidatePoolSize: 5,
  createdAt: Date.UTC(2025, 8, 25, 5, 4, 15, 250),
  serial: 12,
  nodes: 3,
  candidates: ["node1", "node2"],
  term: 4,
  commitIndex: 57,
  instanceDefaults: defaultInstanceDefaults,
};

/** node2 as a follower of node1. */
export const SAMPLE_CLUSTER_STATUS: ClusterStatusBody = {
  node: "node2",
  version: "0.1.0",
  protocolVersion: "1",
  member: true,
  clusterName: SAMPLE_CLUSTER_INFO.name,
  clusterUuid: SAMPLE_CLUSTER_INFO.uuid,
  raftRole: "follower",
  term: 4,
  commitIndex: 57,
  master: "node1",
  voters: ["node1", "node2", "node3"],
  holdsLease: false,
  quorumContactAgeMs: 240,
  selfFenceDue: false,
  formation: null,
};

export interface SampleTags {
  cluster: string[];
  nodes: Record<string, string[]>;
}

/** Unsorted, as the agent may keep them: the CLI sorts. */
export const SAMPLE_TAGS: SampleTags = { cluster: ["owner:ops", "env:lab"], nodes: { node1: ["rack:a1"], node2: [] } };

export interface ClusterCall {
  operation: keyof ClusterControl;
  args: unknown[];
}

/**
 * A ClusterControl that answers from fixed bodies and records every call.
 * With `refusal` set, every operation but status() throws it, as the
 * agent does when a prerequisite fails.
 */
export class FakeClusterControl implements ClusterControl {
  readonly calls: ClusterCall[] = [];

  constructor(
    private readonly options: { info?: ClusterInfoBody; status?: ClusterStatusBody; refusal?: AlkorError; tags?: SampleTags } = {},
  ) {}

  status(): ClusterStatusBody {
    this.calls.push({ operation: "status", args: [] });
    return this.statusBody;
  }

  info(): Promise<ClusterInfoBody> {
    return this.answer("info", [], () => this.infoBody);
  }

  master(): Promise<{ master: string }> {
    return this.answer("master", [], () => ({ master: this.infoBody.master }));
  }

  init(request: Parameters<ClusterControl["init"]>[0]): Promise<ClusterInfoBody> {
    const { joinToken: _secret, ...parameters } = request;
    return this.answer("init", [request], () => ({ ...this.infoBody, ...parameters, master: this.statusBody.node }));
  }

  failover(): Promise<{ master: string }> {
    return this.answer("failover", [], () => ({ master: this.statusBody.node }));
  }

  tags(kind: TagKind, name?: string): Promise<string[]> {
    return this.answer("tags", name === undefined ? [kind] : [kind, name], () => {
      if (kind === "cluster") return this.tagsOf.cluster;
      const tags = this.tagsOf.nodes[name ?? ""];
      if (tags === undefined) throw new AlkorError("unknown_entity", `Node ${name} is not a member of the cluster.`);
      return tags;
    });
  }

  private get infoBody(): ClusterInfoBody {
    return this.options.info ?? SAMPLE_CLUSTER_INFO;
  }

  private get tagsOf(): SampleTags {
    return this.options.tags ?? SAMPLE_TAGS;
  }

  private get statusBody(): ClusterStatusBody {
    return this.options.status ?? SAMPLE_CLUSTER_STATUS;
  }

  private async answer<T>(operation: keyof ClusterControl, args: unknown[], body: () => T): Promise<T> {
    this.calls.push({ operation, args });
    if (this.options.refusal) throw this.options.refusal;
    return body();
  }
}

/**
 * A real local API server with cluster (and jobs, when given) behind it, on a
 * unix socket in a fresh temporary directory, stopped when the test ends;
 * returns its endpoint.
 */
export async function startClusterApi(t: ExecutionContext, cluster: ClusterControl, jobs?: JobQueueApi): Promise<string> {
  const api = await startTestServer(new FakeNodeDirectory(SAMPLE_NODES), cluster, jobs);
  t.teardown(api.close);
  return `unix:${api.socketPath}`;
}
