import test from "ava";
import { instanceFields } from "../../../../src/cli/instance/fields.js";
import { compileQueryFilter, filterFields, globPattern, looksLikeFilter, namesFilter, parseFilter } from "../../../../src/cli/instance/filter.js";
import { SAMPLE_VIEWS } from "./fake-instance-api.js";

function matching(text: string): string[] {
  const filter = parseFilter(text);
  const matches = compileQueryFilter(instanceFields(filterFields(filter)), filter);
  return SAMPLE_VIEWS.filter(matches).map((view) => view.name).sort();
}

test("parses Ganeti's filter language into its list form", (t) => {
  t.deepEqual(parseFilter('name == "web1"'), ["==", "name", "web1"]);
  t.deepEqual(parseFilter("oper_ram >= 256 and not oper_state"), ["&", [">=", "oper_ram", 256], ["!", ["?", "oper_state"]]]);
  t.deepEqual(parseFilter(`status == 'running' or status == "ADMIN_down" or pnode != "node1"`), ["|", ["==", "status", "running"], ["==", "status", "ADMIN_down"], ["!=", "pnode", "node1"]]);
  t.deepEqual(parseFilter('"web" in tags and "x" not in tags'), ["&", ["=[]", "tags", "web"], ["!", ["=[]", "tags", "x"]]]);
  t.deepEqual(parseFilter("name =~ m/^WEB/i"), ["=~", "name", "(?i)^WEB"]);
  t.deepEqual(parseFilter("name !~ #a/b#"), ["!", ["=~", "name", "a/b"]]);
  t.deepEqual(parseFilter('name =* "web*"'), ["=~", "name", "^web.*(\\..*)?$"]);
  t.deepEqual(parseFilter('(be/maxmem > 512 or disk.size/1 == 512) and name == "a\\"b"'), ["&", ["|", [">", "be/maxmem", 512], ["==", "disk.size/1", 512]], ["==", "name", 'a"b']]);
});

test("filters instances by status, fields, tags, regular expressions and their combinations", (t) => {
  t.deepEqual(matching('status == "running"'), ["web1"]);
  t.deepEqual(matching('status != "running"'), ["db2", "web10"]);
  t.deepEqual(matching('name == "web1" or name == "db2"'), ["db2", "web1"]);
  t.deepEqual(matching('"web" in tags and not "prod" in tags'), ["web10"]);
  t.deepEqual(matching("name =~ m/^WEB/i"), ["web1", "web10"]);
  t.deepEqual(matching("name =~ /^web[0-9]$/"), ["web1"]);
  t.deepEqual(matching("be/maxmem > 512"), ["db2"]);
  t.deepEqual(matching("disk.size/1 == 512"), ["db2"]);
  t.deepEqual(matching('nic.mode/0 == "routed"'), ["db2"]);
  t.deepEqual(matching("oper_state"), ["web1"]);
  // No data from web10's primary: neither running nor not running matches, as in Ganeti.
  t.deepEqual(matching("not oper_state"), ["db2", "web10"]);
  t.deepEqual(matching("oper_ram == 512"), ["web1"]);
  t.deepEqual(matching('name =* "db*"'), ["db2"]);
});

test("a bad filter is a usage error saying what and where", (t) => {
  t.throws(() => parseFilter('name == "web1" and'), { name: "UsageError", message: 'Invalid filter "name == \\"web1\\" and" at position 19: expected a field name.' });
  t.throws(() => parseFilter('name = "x"'), { message: /at position 6: unexpected "= \\"x\\""/ });
  t.throws(() => parseFilter('name == "x'), { message: /unterminated string/ });
  t.throws(() => parseFilter("name =~ /x/g"), { message: /unknown regular expression flag g/ });
  t.throws(() => matching('colour == "red"'), { name: "UsageError", message: 'Unknown field "colour" in the filter.' });
  t.throws(() => matching('oper_ram == "lots"'), { name: "UsageError", message: /^Unable to compare field 'oper_ram'/ });
  t.throws(() => matching("name =~ /(/"), { name: "UsageError", message: /^Invalid regular expression "\(" in the filter/ });
});

test("tells filters from names as Ganeti's MakeFilter does, and turns globs into patterns", (t) => {
  t.true(looksLikeFilter('status == "running"'));
  t.true(looksLikeFilter("oper_state and x"));
  t.false(looksLikeFilter("web1.example.com"));
  t.false(looksLikeFilter("web*"));
  t.deepEqual(namesFilter(["web1", "db*"]), ["|", ["==", "name", "web1"], ["=~", "name", globPattern("db*")]]);
  t.true(new RegExp(globPattern("web?")).test("web1.example.com"));
  t.false(new RegExp(globPattern("web?")).test("web10"));
});
