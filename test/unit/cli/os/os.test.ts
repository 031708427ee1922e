import test from "ava";
import type { OsListBody } from "../../../../src/api/local/contract.js";
import { formatOsDiagnose, nodeOsStatus } from "../../../../src/cli/os/diagnose.js";
import { formatOsInfo } from "../../../../src/cli/os/info.js";
import { formatOsList } from "../../../../src/cli/os/list.js";
import { osNames, summarizeOses } from "../../../../src/cli/os/summary.js";
import type { OsDefinitionView } from "../../../../src/node/instance-rpc-methods.js";
import { FakeInstanceDirectory, runCli, startInstanceApi } from "../instance/fake-instance-api.js";

function definition(overrides: Partial<OsDefinitionView> & Pick<OsDefinitionView, "name">): OsDefinitionView {
  return {
    path: `/srv/alkor/os/${overrides.name}`,
    apiVersions: [20],
    variants: [],
    parameters: [],
    valid: true,
    problems: [],
    ...overrides,
  };
}

const DEBOOTSTRAP = definition({ name: "debootstrap", variants: ["default", "minimal"], parameters: [{ name: "dhcp", description: "use DHCP" }] });

/** debootstrap on both nodes (node2 lacks the minimal variant), image valid only on node1, noop broken on node2, node3 silent. */
const NODES: OsListBody["nodes"] = [
  { node: "node2", definitions: [{ ...DEBOOTSTRAP, variants: ["default"] }, definition({ name: "noop", valid: false, problems: ["missing create script", "no ganeti_api_version"], apiVersions: [] })], error: null },
  { node: "node1", definitions: [DEBOOTSTRAP, definition({ name: "image", apiVersions: [15], variants: ["raw"] }), definition({ name: "noop" })], error: null },
  { node: "node3", definitions: null, error: "node3 did not answer within 10 s" },
];

test("an OS is valid where every answering node has it valid, with the variants all of them have", (t) => {
  const report = summarizeOses(NODES);
  t.deepEqual(
    report.oses.map((os) => [os.name, os.valid, os.variants]),
    [
      ["debootstrap", true, ["default"]],
      ["image", false, []],
      ["noop", false, []],
    ],
  );
  t.deepEqual(report.unanswered, [{ node: "node3", error: "node3 did not answer within 10 s" }]);
  t.deepEqual(osNames({ name: "debootstrap", variants: ["default", "minimal"] }), ["debootstrap+default", "debootstrap+minimal"]);
  t.deepEqual(osNames({ name: "noop", variants: [] }), ["noop"]);
});

test("list shows the valid OSes as name+variant under a Name header", (t) => {
  const report = summarizeOses(NODES);
  t.deepEqual(formatOsList(report, true), ["Name", "debootstrap+default"]);
  t.deepEqual(formatOsList(summarizeOses([NODES[1]!]), false), ["debootstrap+default", "debootstrap+minimal", "image+raw", "noop"]);
});

test("diagnose shows each OS's global status and every node's, in Ganeti's words", (t) => {
  const { lines, bad } = formatOsDiagnose(summarizeOses(NODES));
  t.true(bad);
  t.deepEqual(lines, [
    "OS: debootstrap [global status: valid]",
    "  Variants: [default]",
    "  Node: node1, status: valid (path: /srv/alkor/os/debootstrap) [API versions: 20] [variants: default, minimal] [parameters: dhcp]",
    "  Node: node2, status: valid (path: /srv/alkor/os/debootstrap) [API versions: 20] [variants: default] [parameters: dhcp]",
    "",
    "OS: image [global status: partial valid]",
    "  Node: node1, status: valid (path: /srv/alkor/os/image) [API versions: 15] [variants: raw]",
    "  Node: node2, status: OS not found",
    "",
    "OS: noop [global status: partial valid]",
    "  Node: node1, status: valid (path: /srv/alkor/os/noop) [API versions: 20] [no variants] [no parameters]",
    "  Node: node2, status: invalid - missing create script; no ganeti_api_version (path: /srv/alkor/os/noop) [no API versions declared]",
    "",
    "Node: node3, status: did not answer - node3 did not answer within 10 s",
  ]);
  t.false(formatOsDiagnose(summarizeOses([NODES[1]!].map((node) => ({ ...node, definitions: [DEBOOTSTRAP] })))).bad);
  t.is(nodeOsStatus(null), "OS not found");
});

test("info shows validity, then API versions, variants and parameters of a valid OS", (t) => {
  const [debootstrap, image] = summarizeOses(NODES).oses;
  t.deepEqual(formatOsInfo(debootstrap!), ["debootstrap:", "  - valid: True", "  - API versions:", "    - 20", "  - variants:", "    - default", "  - parameters:", "    - dhcp: use DHCP", ""]);
  t.deepEqual(formatOsInfo(image!), ["image:", "  - valid: False", ""]);
});

test("alkor-os list, diagnose and info ask the agent; diagnose exits 1 when something is not valid everywhere", async (t) => {
  const endpoint = await startInstanceApi(t, { instances: new FakeInstanceDirectory([], {}, NODES) });
  const list = await runCli("alkor-os", ["list", "--endpoint", endpoint]);
  t.is(list.code, 0, list.stderr);
  t.is(list.stdout, "Name\ndebootstrap+default\n");
  t.is(list.stderr, "Node node3 did not answer (node3 did not answer within 10 s); its OS definitions are not counted.\n");
  const diagnose = await runCli("alkor-os", ["diagnose", "--endpoint", endpoint]);
  t.is(diagnose.code, 1);
  t.true(diagnose.stdout.startsWith("OS: debootstrap [global status: valid]\n"));
  t.is(diagnose.stderr, "Some OS definitions are not valid on every node (see above).\n");
  const info = await runCli("alkor-os", ["info", "debootstrap+default", "nosuch", "--endpoint", endpoint]);
  t.is(info.code, 1);
  t.true(info.stdout.startsWith("debootstrap:\n  - valid: True\n"));
  t.true(info.stderr.endsWith("Unknown OS: nosuch (alkor-os list shows the valid ones).\n"));
});
