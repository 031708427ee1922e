import { InvalidArgumentError, Option, type Command } from "commander";
import { INSTANCES_PATH, InstanceListBodySchema } from "../../api/local/contract.js";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { AlkorError } from "../../model/errors.js";
import { endpointOf, printLines, UsageError } from "../common.js";
import { getJson } from "../endpoint.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { runJob } from "../jobs/runner.js";
import { parseInteger } from "../options.js";
import { askOnTerminal, requireTerminal } from "./confirm.js";
import { failedCount, runJobs } from "./many-jobs.js";
import { parameterGroups } from "./modify.js";
import { instanceName } from "./names.js";

/*
 * startup, shutdown and reboot (Ganeti's GenericManyOps): one instance, or
 * several (names, or --all) each as its own job, confirmed first unless
 * --force-multiple.
 */

interface ManyOptions extends JobOptions {
  all?: boolean;
  forceMultiple?: boolean;
}

interface StartupOptions extends ManyOptions {
  force?: boolean;
  remember: boolean;
  backendParameters?: string;
  hypervisorParameters?: string;
}

interface ShutdownOptions extends ManyOptions {
  timeout?: number;
  remember: boolean;
}

interface RebootOptions extends ManyOptions {
  type: "soft" | "hard" | "full";
  shutdownTimeout?: number;
  ignoreSecondaries?: boolean;
}

export function instanceStartupOp(name: string, options: Pick<StartupOptions, "force" | "remember" | "backendParameters" | "hypervisorParameters">): OpcodeInput {
  return {
    OP_ID: "OP_INSTANCE_STARTUP",
    instance_name: name,
    ...(options.force ? { force: true } : {}),
    ...(options.remember ? {} : { no_remember: true }),
    ...parameterGroups(options),
  };
}

export function instanceShutdownOp(name: string, options: Pick<ShutdownOptions, "timeout" | "remember">): OpcodeInput {
  return {
    OP_ID: "OP_INSTANCE_SHUTDOWN",
    instance_name: name,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.remember ? {} : { no_remember: true }),
  };
}

export function instanceRebootOp(name: string, options: Pick<RebootOptions, "type" | "shutdownTimeout" | "ignoreSecondaries">): OpcodeInput {
  return {
    OP_ID: "OP_INSTANCE_REBOOT",
    instance_name: name,
    reboot_type: options.type,
    ...(options.shutdownTimeout === undefined ? {} : { shutdown_timeout: options.shutdownTimeout }),
    ...(options.ignoreSecondaries ? { ignore_secondaries: true } : {}),
  };
}

function parseSeconds(value: string): number {
  const seconds = parseInteger(value);
  if (seconds < 0) throw new InvalidArgumentError("Expected a number of seconds, 0 or more.");
  return seconds;
}

/** The instances named, or all of them with --all (asked of the agent). */
async function selectedInstances(names: readonly string[], options: ManyOptions): Promise<string[]> {
  if (options.all) {
    if (names.length > 0) throw new UsageError("Give either instance names or --all, not both.");
    const { instances } = await getJson(endpointOf(options), INSTANCES_PATH, InstanceListBodySchema);
    return instances.map((instance) => instance.name);
  }
  if (names.length === 0) throw new UsageError("Give an instance name, or --all for every instance.");
  return names.map((name) => instanceName(name));
}

/** Runs `op` for each selected instance: one job for one instance named, else confirmed jobs followed together. */
async function runForInstances(operation: string, names: string[], options: ManyOptions, op: (name: string) => OpcodeInput): Promise<void> {
  const instances = await selectedInstances(names, options);
  if (instances.length === 0) {
    printLines([`Cluster is empty, no instances to ${operation}`]);
    return;
  }
  if (!options.all && instances.length === 1) {
    await runJob([op(instances[0]!)], options);
    return;
  }
  if (!options.forceMultiple) {
    requireTerminal(`The ${operation} would operate on ${instances.length} instances; pass --force-multiple to do it without being asked.`);
    const question = `The ${operation} will operate on ${instances.length} instances.\nDo you want to continue?\nAffected instances:\n${instances.map((name) => `  ${name}`).join("\n")}`;
    if (!(await askOnTerminal(question))) throw new AlkorError("wrong_input", `The ${operation} was not done.`);
  }
  const outcomes = await runJobs(instances.map((name) => ({ name, ops: [op(name)] })), options);
  const failed = failedCount(outcomes, options.submit === true);
  if (failed > 0) throw new AlkorError("wrong_state", `The ${operation} failed for ${failed} of ${instances.length} instances.`);
}

function manyCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .argument("[instances...]", "the instances")
    .option("--all", "every instance of the cluster")
    .option("--force-multiple", "do not ask for confirmation when more than one instance is affected");
}

export function addInstancePowerCommands(program: Command): void {
  const startup = manyCommand(program, "startup", "start instances (with as much of maxmem as the node has free, at least minmem)")
    .alias("start")
    .option("-f, --force", "start even if the instance's secondary disks are not in sync")
    .option("--no-remember", "start it without recording that it should run")
    .option("-B, --backend-parameters <params>", "maxmem=,minmem=,memory=,vcpus= for this start only; the configuration keeps its own")
    .option("-H, --hypervisor-parameters <[kvm:]params>", "kvm parameters for this start only, key=value,...");
  addJobOptions(startup).action((names: string[], options: StartupOptions) => runForInstances("startup", names, options, (name) => instanceStartupOp(name, options)));

  const shutdown = manyCommand(program, "shutdown", "stop instances: ACPI shutdown, destroyed after --timeout seconds")
    .alias("stop")
    .option("--timeout <seconds>", "seconds the guest gets to shut down cleanly (default 120)", parseSeconds)
    .option("--no-remember", "stop it without recording that it should stay down");
  addJobOptions(shutdown).action((names: string[], options: ShutdownOptions) => runForInstances("shutdown", names, options, (name) => instanceShutdownOp(name, options)));

  const reboot = manyCommand(program, "reboot", "reboot instances; a stopped one is started")
    .addOption(new Option("--type <type>", "soft (the guest reboots itself), hard (the domain is restarted) or full (shut down, disks reactivated, started)").choices(["soft", "hard", "full"]).default("hard"))
    .option("--shutdown-timeout <seconds>", "seconds the guest gets to shut down cleanly (default 120)", parseSeconds)
    .option("--ignore-secondaries", "accepted for Ganeti's sake; alkor's templates have no secondaries");
  addJobOptions(reboot).action((names: string[], options: RebootOptions) => runForInstances("reboot", names, options, (name) => instanceRebootOp(name, options)));
}
