import test from "ava";
import { FakeJobQueue } from "../api/local/fake-job-queue.js";
import { startTestServer, type TestServer } from "../api/local/fake-node-directory.js";
import { FakeClusterControl, startClusterApi } from "./fake-cluster-control.js";
import { runCommand } from "./run-cli.js";

function run(args: string[], env: Record<string, string> = {}) {
  return runCommand("alkor-node", args, env);
}

let api: TestServer;
test.before(async () => {
  api = await startTestServer();
});
test.after.always(async () => {
  await api?.close();
});

function endpoint(): string {
  return `unix:${api.socketPath}`;
}

test("lists the nodes in name order with Ganeti's default-style columns", async (t) => {
  const result = await run(["list", "--endpoint", endpoint()]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stderr, "");
  t.is(
    result.stdout,
    [
      "Node   Role Status CPUs MTotal MFree DTotal DFree Profile",
      "node1  M    alive     8  16.0G 12.0G   3.9T  3.8T qemu-lab",
      "node2  C    alive     8  16.0G 12.0G   3.9T  3.8T qemu-lab",
      "node10 R    dead     16  16.0G  512M   3.9T  3.8T qemu-lab",
      "",
    ].join("\n"),
  );
});

test("lists only the named nodes, in the order given, with the chosen fields", async (t) => {
  const result = await run(["list", "-o", "name,ctotal,lastseen", "--endpoint", endpoint(), "node10", "node1"]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Node   CPUs LastSeen\nnode10   16     42.0\nnode1     8      0.0\n");
});

test("prints script-friendly lines with --separator and --no-headers, sizes in mebibytes", async (t) => {
  const result = await run(["list", "--no-headers", "--separator", "|", "-o", "name,mfree,dtotal", "--endpoint", endpoint()]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "node1|12288|4096000\nnode2|12288|4096000\nnode10|512|4096000\n");
});

test("takes the endpoint from ALKOR_ENDPOINT", async (t) => {
  const result = await run(["list", "-o", "+version", "--units", "g"], { ALKOR_ENDPOINT: endpoint() });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^Node +Role Status CPUs MTotal MFree DTotal +DFree Profile +Version\nnode1 +M +alive +8 +16\.0 +12\.0 +4000\.0 +3900\.0 qemu-lab 0\.1\.0\n/);
});

test("prints the agent's nodes as JSON with --json", async (t) => {
  const result = await run(["list", "--json", "--endpoint", endpoint(), "node2"]);
  t.is(result.code, 0, result.stderr);
  const nodes = JSON.parse(result.stdout) as Array<{ name: string; role: string }>;
  t.deepEqual(nodes.map((node) => [node.name, node.role]), [["node2", "candidate"]]);
});

test("fails with exit status 1 for an unknown node", async (t) => {
  const result = await run(["list", "--endpoint", endpoint(), "node1", "nosuch"]);
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, "Unknown node: nosuch.\n");
});

test("fails with exit status 2 for an unknown field, listing the valid ones", async (t) => {
  const result = await run(["list", "-o", "name,bogus", "--endpoint", endpoint()]);
  t.is(result.code, 2);
  t.is(
    result.stderr,
    'error: Unknown output field "bogus". Valid fields: name, role, status, cpus/ctotal, mtotal, mfree, dtotal, dfree, profile, version, address/pip, uuid, lastseen.\n',
  );
});

test("fails with exit status 2 for an unknown option, a bad unit, a bad endpoint or no command", async (t) => {
  for (const args of [["list", "--frob"], ["list", "--units", "x"], ["list", "--endpoint", "relative.sock"], []]) {
    const result = await run(args);
    t.is(result.code, 2, args.join(" "));
    t.not(result.stderr, "", args.join(" "));
  }
});

test("fails with exit status 1 and one sentence, no stack trace, when the agent is unreachable", async (t) => {
  const socketPath = `${api.dir}/nobody-listens.sock`;
  const result = await run(["list", "--endpoint", `unix:${socketPath}`]);
  t.is(result.code, 1);
  t.is(result.stdout, "");
  t.is(result.stderr, `Cannot reach the alkor agent at unix:${socketPath}: connect ENOENT. Is alkord running? Set ALKOR_ENDPOINT or --endpoint.\n`);
});

test("prints help with exit status 0", async (t) => {
  const result = await run(["list", "--help"]);
  t.is(result.code, 0);
  t.regex(result.stdout, /^Usage: alkor-node list \[options\] \[nodes\.\.\.\]/);
});

test("shows a node's details and inventory as gnt-node info does", async (t) => {
  const result = await run(["info", "node1", "--endpoint", endpoint()]);
  t.is(result.code, 0, result.stderr);
  t.true(result.stdout.startsWith("Node name: node1\n  primary ip: 192.0.2.10\n"));
  t.true(result.stdout.includes("\n  role: master\n  status: alive (this node)\n"));
  t.true(result.stdout.endsWith("  inventory:\n    cpu:\n      brand: Xeon\n      cores: 4\n    disks:\n      - name: sda\n        sizeBytes: 512\n    nics: []\n"));
});

test("says why a node's inventory is unavailable", async (t) => {
  const result = await run(["info", "node10", "--endpoint", endpoint()]);
  t.is(result.code, 0, result.stderr);
  t.true(result.stdout.endsWith("  inventory: unavailable (node is dead)\n"));
});

test("shows every node without names, in name order", async (t) => {
  const result = await run(["info", "--endpoint", endpoint()]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.split("\n").filter((line) => line.startsWith("Node name:")), ["Node name: node1", "Node name: node2", "Node name: node10"]);
});

test("prints node infos as a JSON array with --json", async (t) => {
  const result = await run(["info", "node2", "--json", "--endpoint", endpoint()]);
  t.is(result.code, 0, result.stderr);
  const infos = JSON.parse(result.stdout) as Array<{ node: { name: string }; inventory: unknown; inventoryError: string }>;
  t.is(infos.length, 1);
  t.like(infos[0], { node: { name: "node2" }, inventory: null, inventoryError: "node is dead" });
});

test("fails with exit status 1 and the agent's message for an unknown node's info", async (t) => {
  const result = await run(["info", "nosuch", "--endpoint", endpoint()]);
  t.is(result.code, 1);
  t.is(result.stderr, "Node nosuch is not known to this agent.\n");
});

function succeeding(results: unknown[] = []): FakeJobQueue {
  return new FakeJobQueue({ script: () => ({ status: "success", results }) });
}

test("add runs OP_NODE_ADD as a job and says the node was added", async (t) => {
  const jobs = succeeding();
  const result = await run(["add", "node4", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Node node4 was added to the cluster.\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_NODE_ADD", node_name: "node4" }]);
});

test("remove runs OP_NODE_REMOVE as a job and says the node was removed", async (t) => {
  const jobs = succeeding();
  const result = await run(["remove", "node3", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Node node3 was removed from the cluster.\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_NODE_REMOVE", node_name: "node3" }]);
});

test("modify sends only the flags given, without force unless asked, and prints the changes as gnt-node modify does", async (t) => {
  const jobs = succeeding([[["drained", "true"], ["vm_capable", "false"]]]);
  const result = await run(["modify", "node2", "-D", "yes", "--vm-capable", "no", "--endpoint", await startClusterApi(t, new FakeClusterControl(), jobs)]);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Modified node node2\n - drained    -> true\n - vm_capable -> false\n");
  t.deepEqual(jobs.submissions[0]?.ops, [{ OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", drained: true, vm_capable: false }]);
});

test("modify -O no -D no -C no --force makes a node regular, forced, as in the manual", async (t) => {
  const jobs = succeeding([[["master_candidate", "false"]]]);
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const result = await run(["modify", "-O", "no", "-D", "no", "-C", "no", "--master-capable", "yes", "--force", "node2", "--endpoint", endpoint]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(jobs.submissions[0]?.ops, [
    { OP_ID: "OP_NODE_SET_PARAMS", node_name: "node2", master_candidate: false, drained: false, offline: false, master_capable: true, force: true },
  ]);
});

test("modify fails with exit status 2, submitting nothing, without a change, with a value not yes or no, or a bad name", async (t) => {
  const jobs = succeeding();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  const cases: Array<[string[], string]> = [
    [["modify", "node2"], "error: Nothing to change: give at least one of -C, -D, -O, --master-capable, --vm-capable.\n"],
    [["modify", "node2", "-C", "maybe"], "error: option '-C, --master-candidate <yes|no>' argument 'maybe' is invalid. Expected yes or no.\n"],
    [["modify", "node_2", "-C", "yes"], "error: NODE: must be a host name (letters, digits, dots and dashes).\n"],
  ];
  for (const [args, stderr] of cases) {
    const result = await run([...args, "--endpoint", endpoint]);
    t.is(result.code, 2, args.join(" "));
    t.is(result.stderr, stderr);
  }
  t.deepEqual(jobs.submissions, []);
});

test("add and remove fail with exit status 2 for a name that is no host name, and without a name", async (t) => {
  const jobs = succeeding();
  const endpoint = await startClusterApi(t, new FakeClusterControl(), jobs);
  for (const args of [["add", "node_4"], ["remove", "no/such"], ["add"], ["remove"]]) {
    const result = await run([...args, "--endpoint", endpoint]);
    t.is(result.code, 2, args.join(" "));
    t.not(result.stderr, "", args.join(" "));
  }
  t.deepEqual(jobs.submissions, []);
});

test("modify, add and remove fail with exit status 1 and Ganeti's failure text when the job is refused", async (t) => {
  const refusal = { code: "wrong_state", message: "Demoting node2 would leave 1 master candidates where the pool needs 3; use --force to do it anyway.", phase: "prerequisites" as const };
  const endpoint = await startClusterApi(t, new FakeClusterControl(), new FakeJobQueue({ script: () => ({ status: "error", error: refusal }) }));
  for (const args of [["modify", "node2", "-C", "no"], ["add", "node4"], ["remove", "node2"]]) {
    const result = await run([...args, "--endpoint", endpoint]);
    t.is(result.code, 1, args.join(" "));
    t.is(result.stdout, "");
    t.is(result.stderr, `Failure: prerequisites not met for this operation:\nerror type: wrong_state, error details:\n${refusal.message}\n`);
  }
});
