import test from "ava";
import { RapiError } from "../../../../src/api/rapi/errors.js";
import { nodeRoleOpcode, tagsOpcode } from "../../../../src/api/rapi/opcodes.js";

test("builds Ganeti's tag opcodes, with dry_run only when asked for", (t) => {
  t.deepEqual(tagsOpcode("OP_TAGS_SET", { kind: "cluster" }, ["a", "b"], false), { OP_ID: "OP_TAGS_SET", kind: "cluster", tags: ["a", "b"] });
  t.deepEqual(tagsOpcode("OP_TAGS_DEL", { kind: "node", name: "node1" }, ["a"], true), {
    OP_ID: "OP_TAGS_DEL",
    kind: "node",
    name: "node1",
    tags: ["a"],
    dry_run: true,
  });
});

test("refuses no tags and invalid tags, naming the tag", (t) => {
  const none = t.throws(() => tagsOpcode("OP_TAGS_SET", { kind: "cluster" }, [], false), { instanceOf: RapiError });
  t.is(none!.message, "Give the tags as tag query parameters (tag=a&tag=b).");
  const bad = t.throws(() => tagsOpcode("OP_TAGS_SET", { kind: "cluster" }, ["ok", "not ok"], false), { instanceOf: RapiError });
  t.is(bad!.message, 'Invalid tag "not ok": a tag may hold only letters, digits and . + * / : @ _ -.');
  t.is((bad as RapiError).status, 400);
});

test("sets the flags rlib2 sets for each role and leaves the others out", (t) => {
  const op = (role: string) => nodeRoleOpcode("node2", role, { force: true, autoPromote: undefined });
  t.deepEqual(op("regular"), { OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", master_candidate: false, offline: false, drained: false, force: true });
  t.deepEqual(op("master-candidate"), { OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", master_candidate: true, force: true });
  t.deepEqual(op("drained"), { OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", drained: true, force: true });
  t.deepEqual(op("offline"), { OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", offline: true, force: true });
  t.like(nodeRoleOpcode("node2", "regular", { force: false, autoPromote: true }), { force: false, auto_promote: true });
});

test("refuses the master role, unknown roles and a body that is not a string", (t) => {
  for (const [body, message] of [
    ["master", "Can't set 'master' role (known: regular, master-candidate, drained, offline)."],
    ["constructor", "Can't set 'constructor' role (known: regular, master-candidate, drained, offline)."],
    [{ role: "regular" }, 'Body contents: a role name as a JSON string, not {"role":"regular"}.'],
    [undefined, "Body contents: a role name as a JSON string, not null."],
  ] as const) {
    const error = t.throws(() => nodeRoleOpcode("node2", body, { force: false, autoPromote: undefined }), { instanceOf: RapiError });
    t.is(error!.message, message);
  }
});
