import test from "ava";
import { RapiError } from "../../../../src/api/rapi/errors.js";
import { checkNodeName } from "../../../../src/api/rapi/resources/nodes.js";
import { Router, type Endpoint } from "../../../../src/api/rapi/router.js";

const endpoint = (name: string): Endpoint => ({ access: "read", handle: async () => ({ json: name }) });
const get = endpoint("get");
const put = endpoint("put");

const router = new Router(
  [
    { path: "/2/nodes", methods: { GET: get } },
    { path: "/2/nodes/:node", methods: { GET: get } },
    { path: "/2/nodes/:node/tags", methods: { GET: get, PUT: put } },
  ],
  { node: checkNodeName },
);

function failure(t: import("ava").ExecutionContext, method: string, path: string): RapiError {
  const error = t.throws(() => router.match(method, path), { instanceOf: RapiError });
  return error as RapiError;
}

test("matches literal paths and decoded, checked parameters", (t) => {
  t.deepEqual(router.match("GET", "/2/nodes"), { endpoint: get, params: {}, pattern: "/2/nodes" });
  const match = router.match("PUT", "/2/nodes/node%31.example/tags");
  t.is(match.endpoint, put);
  t.deepEqual(match.params, { node: "node1.example" });
  t.is(match.pattern, "/2/nodes/:node/tags");
});

test("answers 404 for paths that match nothing, including extra or empty segments", (t) => {
  for (const path of ["/2/instances", "/2/nodes/", "/2//nodes", "/2/nodes/a/b/c", "/", "/2/nodes/a/tags/x"]) {
    const error = failure(t, "GET", path);
    t.is(error.status, 404, path);
  }
});

test("answers 405 naming the allowed methods when the path exists", (t) => {
  const error = failure(t, "DELETE", "/2/nodes/node1/tags");
  t.is(error.status, 405);
  t.is(error.message, "Method DELETE is not supported on /2/nodes/:node/tags; use GET, PUT.");
  t.deepEqual(error.headers, { allow: "GET, PUT" });
  t.is(failure(t, "constructor", "/2/nodes").status, 405);
});

test("decodes each segment alone, so an encoded slash or dot-dot is a bad parameter, not a path", (t) => {
  const traversal = failure(t, "GET", "/2/nodes/..%2f..%2fetc%2fpasswd");
  t.is(traversal.status, 400);
  t.is(traversal.message, '"../../etc/passwd" is not a valid node name.');
  t.is(failure(t, "GET", "/2/nodes/%2e%2e").status, 400);
  const malformed = failure(t, "GET", "/2/nodes/%zz");
  t.is(malformed.status, 400);
  t.regex(malformed.message, /Malformed escape in the path segment "%zz"/);
});
