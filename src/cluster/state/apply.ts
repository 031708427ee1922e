import type { ErrorCode } from "../../model/errors.js";
import { instancesOnNode, transitionInstance } from "./apply-instances.js";
import { transitionJob } from "./apply-jobs.js";
import { addTags, removeTags } from "./tags.js";
import { emptyClusterState, type ClusterCommand, type ClusterNode, type ClusterState, type NodeFlags, type ObjectCommand, type TagTarget } from "./schema.js";

export interface CommandRefusal {
  code: ErrorCode;
  message: string;
}

/** The new state, and what the proposer is told: a submitted job's id, for instance. */
export type ApplyOutcome = { state: ClusterState; refusal: null; result: unknown } | { state: ClusterState; refusal: CommandRefusal };

/**
 * The cluster state machine: the same command on the same state gives the
 * same result on every node. A command that does not fit the state is
 * refused and changes nothing; the proposer hears why.
 */
export function applyCommand(state: ClusterState, command: ClusterCommand): ApplyOutcome {
  const outcome = transition(state, command);
  if ("code" in outcome) return { state, refusal: outcome };
  return { state: { ...outcome.state, serial: state.serial + 1 }, refusal: null, result: outcome.result ?? null };
}

function transition(state: ClusterState, command: ClusterCommand): { state: ClusterState; result?: unknown } | CommandRefusal {
  if (command.kind.startsWith("job.")) {
    if (state.cluster === null) return refuse("wrong_state", "The cluster has not been initialised.");
    return transitionJob(state, command as Extract<ClusterCommand, { kind: `job.${string}` }>, transitionObject);
  }
  if (command.kind === "cluster.init") {
    if (state.cluster !== null) return refuse("already_exists", `This node already belongs to cluster ${state.cluster.name}.`);
    const founder: ClusterNode = { ...command.founder, group: command.defaultGroup.uuid, addedAt: command.cluster.createdAt, operatorDemoted: false, tags: [] };
    return {
      state: {
        ...emptyClusterState,
        cluster: command.cluster,
        nodeGroups: { [command.defaultGroup.uuid]: command.defaultGroup },
        nodes: { [founder.uuid]: founder },
        serial: state.serial,
      },
    };
  }
  const next = transitionObject(state, command as ObjectCommand);
  return "code" in next ? next : { state: next };
}

/** A change to one of the cluster's objects; also an opcode's effect. */
function transitionObject(state: ClusterState, command: ObjectCommand): ClusterState | CommandRefusal {
  const cluster = state.cluster;
  if (cluster === null) return refuse("wrong_state", "The cluster has not been initialised.");
  switch (command.kind) {
    case "node.add": {
      const { node } = command;
      const holder = Object.values(state.nodes).find((existing) => existing.name === node.name);
      if (holder && holder.uuid !== node.uuid) {
        return refuse("already_exists", `Node name ${node.name} already belongs to another node (${holder.uuid}); remove it first.`);
      }
      const existing = state.nodes[node.uuid];
      // A node that is already a member (re-added, or its join retried) keeps its roles and group.
      const added: ClusterNode = existing
        ? { ...existing, name: node.name, address: node.address, brokerPort: node.brokerPort }
        : { ...node, group: defaultGroupOf(state), addedAt: command.at, operatorDemoted: false, tags: [] };
      return { ...state, nodes: { ...state.nodes, [node.uuid]: added } };
    }
    case "node.remove": {
      if (!state.nodes[command.uuid]) return refuse("unknown_entity", `No node with UUID ${command.uuid} in the cluster.`);
      const held = instancesOnNode(state, command.uuid);
      if (held.length > 0) return refuse("wrong_state", `Node ${state.nodes[command.uuid]!.name} still holds instances (${held.join(", ")}); move or remove them first.`);
      const nodes = { ...state.nodes };
      delete nodes[command.uuid];
      return { ...state, nodes };
    }
    case "node.modify": {
      const node = state.nodes[command.uuid];
      if (!node) return refuse("unknown_entity", `No node with UUID ${command.uuid} in the cluster.`);
      const flags = modifiedFlags(node, command.changes);
      if ("code" in flags) return flags;
      // An operator's demotion sticks until a promotion undoes it.
      const operatorDemoted = flags.masterCandidate ? false : node.operatorDemoted || (command.byOperator === true && command.changes.masterCandidate === false);
      return { ...state, nodes: { ...state.nodes, [node.uuid]: { ...node, ...flags, operatorDemoted } } };
    }
    case "cluster.modify":
      return { ...state, cluster: { ...cluster, ...command.changes } };
    case "tags.add":
    case "tags.remove":
      return changeTags(state, command.target, (tags) => (command.kind === "tags.add" ? addTags(tags, command.tags) : removeTags(tags, command.tags)));
    case "queue.modify":
      return { ...state, queue: { ...state.queue, ...command.changes } };
    case "watcher.pause":
      return { ...state, watcher: { pausedUntil: command.until } };
    case "instance.add":
    case "instance.remove":
    case "instance.modify":
    case "instance.rename":
    case "instance.defaults":
      return transitionInstance(state, command);
    case "cluster.certificate":
      // Made once: a second master racing the first keeps the certificate clients may already trust.
      if (cluster.tls !== null) return refuse("already_exists", "The cluster already has a certificate.");
      return { ...state, cluster: { ...cluster, tls: command.tls } };
  }
}

function changeTags(state: ClusterState, target: TagTarget, change: (tags: string[]) => string[] | CommandRefusal): ClusterState | CommandRefusal {
  if (target.kind === "cluster") {
    const tags = change(state.tags);
    return "code" in tags ? tags : { ...state, tags };
  }
  if (target.kind === "instance") {
    const instance = state.instances[target.uuid];
    if (!instance) return refuse("unknown_entity", `No instance with UUID ${target.uuid} in the cluster.`);
    const tags = change(instance.tags);
    return "code" in tags ? tags : { ...state, instances: { ...state.instances, [instance.uuid]: { ...instance, tags } } };
  }
  const node = state.nodes[target.uuid];
  if (!node) return refuse("unknown_entity", `No node with UUID ${target.uuid} in the cluster.`);
  const tags = change(node.tags);
  return "code" in tags ? tags : { ...state, nodes: { ...state.nodes, [node.uuid]: { ...node, tags } } };
}

/**
 * A node has one role (as in Ganeti): offline, drained and candidate exclude
 * each other, and taking a node offline or drained, or making it not
 * master-capable, demotes it.
 */
function modifiedFlags(node: NodeFlags & { name: string }, changes: Partial<NodeFlags>): NodeFlags | CommandRefusal {
  const flags: NodeFlags = {
    masterCandidate: node.masterCandidate,
    drained: node.drained,
    offline: node.offline,
    masterCapable: node.masterCapable,
    vmCapable: node.vmCapable,
    ...changes,
  };
  if (changes.offline === true) flags.drained = changes.drained ?? false;
  if (changes.drained === true) flags.offline = changes.offline ?? false;
  if (flags.offline && flags.drained) return refuse("wrong_input", `Node ${node.name} cannot be both offline and drained.`);
  const demoting = changes.offline === true || changes.drained === true || changes.masterCapable === false;
  if (demoting && changes.masterCandidate !== true) flags.masterCandidate = false;
  if (flags.masterCandidate) {
    const reason = flags.offline ? "offline" : flags.drained ? "drained" : !flags.masterCapable ? "not master-capable" : null;
    if (reason) return refuse("wrong_state", `Node ${node.name} cannot be a master candidate: it is ${reason}.`);
  }
  return flags;
}

function defaultGroupOf(state: ClusterState): string {
  const first = Object.keys(state.nodeGroups).sort()[0];
  if (first === undefined) throw new Error("a cluster without node groups"); // cluster.init always creates one
  return first;
}

function refuse(code: ErrorCode, message: string): CommandRefusal {
  return { code, message };
}
