import type { ExecutionContext } from "ava";
import type { ClusterControl } from "../../../src/api/local/cluster-control.js";
import type { ClusterInfoBody, ClusterStatusBody, DoneBody } from "../../../src/api/local/contract.js";
import type { AlkorError } from "../../../src/model/errors.js";
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
    private readonly options: { info?: ClusterInfoBody; status?: ClusterStatusBody; refusal?: AlkorError } = {},
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

  modify(changes: Parameters<ClusterControl["modify"]>[0]): Promise<ClusterInfoBody> {
    return this.answer("modify", [changes], () => ({ ...this.infoBody, ...changes, serial: this.infoBody.serial + 1 }));
  }

  addNode(name: string): Promise<DoneBody> {
    return this.answer("addNode", [name], () => done(`Node ${name} was added to the cluster.`));
  }

  removeNode(name: string): Promise<DoneBody> {
    return this.answer("removeNode", [name], () => done(`Node ${name} was removed from the cluster.`));
  }

  modifyNode(name: string, request: Parameters<ClusterControl["modifyNode"]>[1]): Promise<DoneBody> {
    return this.answer("modifyNode", [name, request], () => done(`Modified node ${name}.`));
  }

  private get infoBody(): ClusterInfoBody {
    return this.options.info ?? SAMPLE_CLUSTER_INFO;
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

function done(message: string): DoneBody {
  return { done: true, message };
}

/**
 * A real local API server with cluster behind it, on a unix socket in a
 * fresh temporary directory, stopped when the test ends; returns its endpoint.
 */
export async function startClusterApi(t: ExecutionContext, cluster: ClusterControl): Promise<string> {
  const api = await startTestServer(new FakeNodeDirectory(SAMPLE_NODES), cluster);
  t.teardown(api.close);
  return `unix:${api.socketPath}`;
}
