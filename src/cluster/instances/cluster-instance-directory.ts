import type { InstanceConsoleBody, OsListBody } from "../../api/local/contract.js";
import type { InstanceDirectory } from "../../api/local/instance-directory.js";
import type { InstanceView } from "../../model/instance.js";
import { asAlkorError } from "../../model/errors.js";
import type { OsDefinitionView } from "../../node/instance-rpc-methods.js";
import type { NodeRpcCall } from "../opcodes/definition.js";
import { findInstance } from "../opcodes/instance-target.js";
import { filledHvParams } from "../state/instance-schema.js";
import type { ClusterState } from "../state/schema.js";
import { instanceView, type ReportsByNode } from "./instance-view.js";
import { listReportTimeoutMs, nodeReports, reportsByNodeUuid } from "./node-reports.js";

export interface ClusterInstanceDirectoryOptions {
  /** The configuration after a linearizable read. */
  read(): Promise<ClusterState>;
  nodeRpc: NodeRpcCall;
  selfName: string;
  /** The serial console socket of an instance on its primary node. */
  consoleSocketPath(instanceUuid: string): string;
}

/** Instances as the CLI and the RAPI see them: each asks the nodes that matter, all at once. */
export class ClusterInstanceDirectory implements InstanceDirectory {
  constructor(private readonly options: ClusterInstanceDirectoryOptions) {}

  async list(): Promise<InstanceView[]> {
    const state = await this.options.read();
    const instances = Object.values(state.instances).sort((a, b) => a.name.localeCompare(b.name));
    const reports = await this.reportsFor(state, new Set(instances.map((instance) => instance.primaryNode)));
    return instances.map((instance) => instanceView(instance, state, reports));
  }

  async get(name: string): Promise<InstanceView> {
    const state = await this.options.read();
    const instance = findInstance(state, name);
    return instanceView(instance, state, await this.reportsFor(state, new Set([instance.primaryNode])));
  }

  async console(name: string): Promise<InstanceConsoleBody> {
    const state = await this.options.read();
    const instance = findInstance(state, name);
    const node = state.nodes[instance.primaryNode]?.name ?? instance.primaryNode;
    return {
      instance: instance.name,
      node,
      self: node === this.options.selfName,
      socketPath: this.options.consoleSocketPath(instance.uuid),
      serialConsole: filledHvParams(instance, state.instanceDefaults).serial_console,
    };
  }

  async operatingSystems(): Promise<OsListBody["nodes"]> {
    const state = await this.options.read();
    const nodes = Object.values(state.nodes)
      .filter((node) => !node.offline && node.vmCapable)
      .sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(
      nodes.map(async (node) => {
        try {
          const { definitions } = await this.options.nodeRpc(node.name, "os.list", {}, listReportTimeoutMs);
          return { node: node.name, definitions: definitions as OsDefinitionView[], error: null };
        } catch (error) {
          return { node: node.name, definitions: null, error: asAlkorError(error).message };
        }
      }),
    );
  }

  private async reportsFor(state: ClusterState, nodeUuids: ReadonlySet<string>): Promise<ReportsByNode> {
    const nodes = [...nodeUuids].map((uuid) => state.nodes[uuid]).filter((node) => node !== undefined && !node.offline);
    return reportsByNodeUuid(await nodeReports(state, nodes, this.options.nodeRpc, { timeoutMs: listReportTimeoutMs }));
  }
}
