import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SiteConfigSchema } from "../../../src/cluster/site-config.js";
import { AlkorError } from "../../../src/model/errors.js";
import { parseCmdlist, runCommand } from "./commands.js";
import { Invariants } from "./invariants.js";
import { newestState, Observer } from "./observer.js";
import { SimCluster, type SimConfig } from "./sim-cluster.js";

/** config.json: the starting state. Timing defaults are the agent's. */
const ScenarioConfigSchema = z
  .object({
    nodes: z.number().int().min(1).max(9),
    seed: z.number().int().nonnegative().default(1),
    /** Overrides of the site config every node boots with (cluster c1, expecting all nodes). */
    site: SiteConfigSchema.partial().default({}),
    tickMs: z.number().int().positive().default(100),
    electionTicks: z.number().int().positive().default(8),
    heartbeatTicks: z.number().int().positive().default(1),
    selfFenceTimeoutMs: z.number().int().positive().default(15_000),
    proposalTimeoutMs: z.number().int().positive().default(10_000),
    compactEvery: z.number().int().positive().default(1000),
    defaultCandidatePoolSize: z.number().int().positive().default(5),
    suspectAfterMs: z.number().int().positive().default(1000),
    deadAfterMs: z.number().int().positive().default(2500),
    networkDelayMs: z.number().int().positive().default(5),
  })
  .strict();

function simConfig(document: unknown): SimConfig {
  const config = ScenarioConfigSchema.parse(document);
  return {
    nodes: config.nodes,
    seed: config.seed,
    settings: {
      timing: { tickMs: config.tickMs, electionTicks: config.electionTicks, heartbeatTicks: config.heartbeatTicks },
      selfFenceTimeoutMs: config.selfFenceTimeoutMs,
      proposalTimeoutMs: config.proposalTimeoutMs,
      compactEvery: config.compactEvery,
      defaultCandidatePoolSize: config.defaultCandidatePoolSize,
      site: { clusterName: "c1", clusterIp: "192.0.2.10/24", joinToken: "scenario-join-token", expectedNodes: config.nodes, ...config.site },
    },
    membership: { suspectAfterMs: config.suspectAfterMs, deadAfterMs: config.deadAfterMs },
    networkDelayMs: config.networkDelayMs,
  };
}

export interface ScenarioRun {
  log: string;
  /** Why the run stopped early: a broken invariant, a fatal error on a node, a command it cannot run. */
  failure: Error | undefined;
}

/**
 * Runs the scenario in `dir`: all nodes power on with the site config, then
 * the cmdlist runs in virtual time. A failure ends the log with its reason.
 */
export async function runScenario(dir: string): Promise<ScenarioRun> {
  const config = simConfig(JSON.parse(await readFile(join(dir, "config.json"), "utf8")));
  const cmdlist = parseCmdlist(await readFile(join(dir, "cmdlist"), "utf8"));
  const sim = new SimCluster(config);
  const observer = new Observer(sim);
  const invariants = new Invariants(sim);
  // The log first, so that a violation's last lines show how it came about.
  sim.afterEvent = () => {
    observer.observe();
    invariants.check();
  };
  const note = (text: string): void => observer.note(text);
  let failure: Error | undefined;
  try {
    note(`start: ${sim.nodes.map((node) => node.name).join(" ")} boot with the site config of cluster ${config.settings.site.clusterName}`);
    for (const node of sim.nodes) await sim.start(node.name);
    for (const { text, command } of cmdlist) {
      note(`cmd: ${text}`);
      await runCommand(sim, command, note);
    }
    note(`end: ${summary(sim)}`);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    note(`FAILED: ${failure.message}`);
  }
  return { log: `${observer.lines.join("\n")}\n`, failure };
}

/** Where the scenario stands at its end: who leads, who may, and how far each node has applied the cluster state. */
function summary(sim: SimCluster): string {
  const state = newestState(sim);
  if (!state?.cluster) return "no cluster";
  const master = sim.nodes.find((node) => node.service?.isLeader());
  const candidates = Object.values(state.nodes).filter((node) => node.masterCandidate).map((node) => node.name).sort();
  const nodes = sim.nodes.map((node) => `${node.name} ${node.service ? `at serial ${node.service.state.serial}` : "down"}`);
  return [
    master ? `master ${master.name} (term ${master.service!.status().raft!.term})` : "no master",
    `candidates ${candidates.join(" ")} (pool size ${state.cluster.candidatePoolSize})`,
    nodes.join(", "),
  ].join("; ");
}

export interface ScenarioResult extends ScenarioRun {
  /** Undefined when the scenario has no expected_log yet. */
  expected: string | undefined;
}

/**
 * Runs a scenario and writes its log next to expected_log for a human to
 * read; with `bless`, a run that did not fail becomes the expected log.
 */
export async function checkScenario(dir: string, bless: boolean): Promise<ScenarioResult> {
  const readme = (await readFile(join(dir, "README"), "utf8")).trim();
  if (readme === "" || readme.includes("\n")) throw new AlkorError("wrong_input", `${dir}/README must be one line saying what the scenario shows.`);
  const run = await runScenario(dir);
  await writeFile(join(dir, "log"), run.log);
  if (bless && run.failure === undefined) await writeFile(join(dir, "expected_log"), run.log);
  const expected = await readFile(join(dir, "expected_log"), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return { ...run, expected };
}
