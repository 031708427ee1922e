import type { ClusterNode, ClusterState } from "../../../cluster/state/schema.js";
import { NodeNameSchema } from "../../../model/node.js";
import type { RapiBackend } from "../backend.js";
import { badRequest, notFound, type RapiError } from "../errors.js";
import { BULK_NODE_FIELDS, GANETI_ROLE_NAMES, NODE_FIELDS, nodeRows, type NodeRow } from "../node-fields.js";
import { nodeRoleOpcode } from "../opcodes.js";
import { itemObject } from "../query-fields.js";
import type { RapiRequest, Route } from "../router.js";
import { submitJob, type ResourceContext } from "./context.js";
import { tagMethods } from "./tags.js";

/** The `:node` path parameter: a host name (Ganeti's node names are), else 400. */
export function checkNodeName(value: string): string {
  if (!NodeNameSchema.safeParse(value).success) throw badRequest(`${JSON.stringify(value.slice(0, 256))} is not a valid node name.`);
  return value;
}

function nodeByName(state: ClusterState, name: string): ClusterNode {
  const node = Object.values(state.nodes).find((candidate) => candidate.name === name);
  if (node === undefined) throw unknownNode(name);
  return node;
}

function unknownNode(name: string): RapiError {
  return notFound(`Node ${name} is not in the cluster.`);
}

/** The cluster state, and its nodes with their roles and live views, sorted by name. */
export async function readNodeRows(backend: RapiBackend): Promise<{ state: ClusterState; rows: NodeRow[] }> {
  const [{ state, masterName }, views] = await Promise.all([backend.read(), backend.nodes()]);
  return { state, rows: nodeRows(state, masterName, views) };
}

/** /2/nodes and the paths under it (rlib2's R_2_nodes*). */
export function nodeRoutes(context: ResourceContext): Route[] {
  const { backend } = context;
  const rows = async () => (await readNodeRows(backend)).rows;
  const row = async (request: RapiRequest): Promise<NodeRow> => {
    const found = (await rows()).find((candidate) => candidate.node.name === request.params.node);
    if (found === undefined) throw unknownNode(request.params.node!);
    return found;
  };
  return [
    {
      path: "/2/nodes",
      methods: {
        GET: {
          access: "read",
          query: { bulk: "flag" },
          handle: async (request) => {
            const all = await rows();
            if (request.query.flag("bulk")) return { json: all.map((item) => itemObject(NODE_FIELDS, BULK_NODE_FIELDS, item)) };
            return { json: all.map(({ node }) => ({ id: node.name, uri: `/2/nodes/${node.name}` })) };
          },
        },
      },
    },
    {
      path: "/2/nodes/:node",
      methods: { GET: { access: "read", handle: async (request) => ({ json: itemObject(NODE_FIELDS, BULK_NODE_FIELDS, await row(request)) }) } },
    },
    {
      path: "/2/nodes/:node/role",
      methods: {
        GET: { access: "read", handle: async (request) => ({ json: GANETI_ROLE_NAMES[(await row(request)).role] }) },
        PUT: {
          access: "write",
          query: { force: "flag", "auto-promote": "flag" },
          body: "json",
          handle: async (request) => {
            const { query } = request;
            const autoPromote = query.has("auto-promote") ? query.flag("auto-promote") : undefined;
            const op = nodeRoleOpcode(request.params.node!, request.body, { force: query.flag("force"), autoPromote });
            nodeByName((await backend.read()).state, request.params.node!);
            return submitJob(context, request, op);
          },
        },
      },
    },
    {
      path: "/2/nodes/:node/tags",
      methods: tagMethods(context, (state, request) => {
        const node = nodeByName(state, request.params.node!);
        return { tags: node.tags, target: { kind: "node", name: node.name } };
      }),
    },
  ];
}
