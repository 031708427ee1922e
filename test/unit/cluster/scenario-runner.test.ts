import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test, { type ExecutionContext } from "ava";
import { parseCmdlist } from "../../scenarios/harness/commands.js";
import { Invariants } from "../../scenarios/harness/invariants.js";
import { checkScenario, runScenario } from "../../scenarios/harness/scenario.js";
import { SimCluster } from "../../scenarios/harness/sim-cluster.js";
import { VirtualClock } from "../../scenarios/harness/virtual-clock.js";

async function scenarioDir(t: ExecutionContext, config: unknown, cmdlist: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-scenario-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "README"), "A scenario of the runner's own tests.\n");
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  await writeFile(join(dir, "cmdlist"), cmdlist);
  return dir;
}

test("a cmdlist holds one command a line; blank lines and comments are skipped", (t) => {
  const commands = parseCmdlist("delay 2.5\n\n# the master goes\nnetwork node3 off\npartition node1 | node2  node3\nmodify node2 -C no --force\npool 3\n");
  t.deepEqual(commands.map((line) => line.command), [
    { kind: "delay", seconds: 2.5 },
    { kind: "network", node: "node3", up: false },
    { kind: "partition", sides: [["node1"], ["node2", "node3"]] },
    { kind: "modify", node: "node2", masterCandidate: false, force: true },
    { kind: "pool", size: 3 },
  ]);
  t.is(commands[2]!.text, "partition node1 | node2 node3");
});

test("a line that is not a command is refused with its line number and the syntax", (t) => {
  t.throws(() => parseCmdlist("delay 1\npower node3 off\n"), { message: /^cmdlist line 2: "power node3 off" is not a command; write one of: delay SECONDS, / });
});

test("the same seed gives the same event log", async (t) => {
  const dir = await scenarioDir(t, { nodes: 3, seed: 7 }, "delay 4\ncrash node1\ndelay 3\n");
  const first = await runScenario(dir);
  const second = await runScenario(dir);
  t.is(first.failure, undefined);
  t.is(first.log, second.log);
  t.regex(first.log, /cmd: crash node1\n(.*\n)* *\d+\.\d (node2|node3) becomes master \(term \d+\)\n/);
});

test("a scenario without expected_log has none until it is blessed", async (t) => {
  const dir = await scenarioDir(t, { nodes: 1 }, "delay 3\n");
  const unblessed = await checkScenario(dir, false);
  t.is(unblessed.expected, undefined);
  t.is(await readFile(join(dir, "log"), "utf8"), unblessed.log);
  const blessed = await checkScenario(dir, true);
  t.is(blessed.expected, blessed.log);
});

test("a command the scenario cannot mean fails the run, and the log says why", async (t) => {
  const dir = await scenarioDir(t, { nodes: 3 }, "delay 1\npartition node1 | node2\ndelay 1\n");
  const { log, failure } = await runScenario(dir);
  t.regex(failure?.message ?? "", /every node on exactly one side: node1 node2 node3/);
  t.regex(log, /cmd: partition node1 \| node2\n *1\.0 FAILED: /);
});

test("two holders of the cluster IP break an invariant", (t) => {
  const sim = new SimCluster({
    nodes: 2,
    seed: 1,
    settings: {
      timing: { tickMs: 100, electionTicks: 8, heartbeatTicks: 1 },
      selfFenceTimeoutMs: 15_000,
      proposalTimeoutMs: 10_000,
      compactEvery: 1000,
      defaultCandidatePoolSize: 5,
      site: { clusterName: "c1", clusterIp: "192.0.2.10/24", joinToken: "scenario-join-token", expectedNodes: 2 },
    },
    membership: { suspectAfterMs: 1000, deadAfterMs: 2500 },
    networkDelayMs: 5,
  });
  for (const node of sim.nodes) node.address.current = { ip: "192.0.2.10", prefixLength: 24, device: "eth0" };
  t.throws(() => new Invariants(sim).check(), { message: "node1 and node2 hold the cluster IP at once" });
});

test("the virtual clock fires timers of one instant in the order they were set, and none of a dead owner's", (t) => {
  const clock = new VirtualClock();
  const owner = { alive: true };
  const fired: string[] = [];
  const view = clock.view(owner);
  view.after(10, () => fired.push("b"));
  clock.view({ alive: false }).after(5, () => fired.push("dead"));
  view.after(10, () => fired.push("c"));
  view.every(4, () => fired.push("tick"));
  while (clock.fireNext(10));
  t.deepEqual(fired, ["tick", "tick", "b", "c"]);
  t.is(clock.elapsed, 10);
});
