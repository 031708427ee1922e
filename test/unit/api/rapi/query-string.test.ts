import test from "ava";
import { RapiError } from "../../../../src/api/rapi/errors.js";
import { parseQueryString } from "../../../../src/api/rapi/query-string.js";

const TAGS = { tag: "list", "dry-run": "flag" } as const;

function refusal(t: import("ava").ExecutionContext, raw: string, spec = TAGS): string {
  const error = t.throws(() => parseQueryString(raw, spec, "PUT /2/tags"), { instanceOf: RapiError });
  t.is((error as RapiError).status, 400);
  return error!.message;
}

test("reads repeated list parameters, flags and form-encoded text as Ganeti's client sends them", (t) => {
  const args = parseQueryString("tag=a%3Ab&tag=c+d&dry-run=1&reason=because+I+said%21", TAGS, "PUT /2/tags");
  t.deepEqual(args.list("tag"), ["a:b", "c d"]);
  t.true(args.flag("dry-run"));
  t.true(args.has("dry-run"));
  t.is(args.text("reason"), "because I said!");
  t.false(parseQueryString("dry-run=0", TAGS, "x").flag("dry-run"));
  t.false(parseQueryString("", TAGS, "x").has("dry-run"));
});

test("refuses a parameter the endpoint does not take, naming it and what it takes", (t) => {
  t.is(refusal(t, "tag=a&bulk=1"), "Unknown query parameter 'bulk' for PUT /2/tags; it takes: dry-run, reason, tag.");
  t.regex(refusal(t, "constructor=1"), /Unknown query parameter 'constructor'/);
  t.regex(refusal(t, "__proto__=1"), /Unknown query parameter '__proto__'/);
});

test("refuses flags other than 0 or 1, repeated single parameters, malformed escapes and overlong values", (t) => {
  t.is(refusal(t, "dry-run=yes"), "Invalid value for the 'dry-run' parameter: it is 0 or 1.");
  t.regex(refusal(t, "dry-run"), /'dry-run' parameter: it is 0 or 1/);
  t.is(refusal(t, "dry-run=1&dry-run=1"), "The 'dry-run' parameter is given more than once.");
  t.regex(refusal(t, "tag=%E0%A4%A"), /Malformed escape in the query string/);
  t.regex(refusal(t, `reason=${"x".repeat(1025)}`), /longer than 1024 characters/);
});
