import type { Command } from "commander";
import { z } from "zod";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import type { BeParamsInput, HvParamsInput } from "../../cluster/opcodes/instance-params.js";
import { printLines, UsageError } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";
import { hypervisorOption } from "./add.js";
import { collect, parseIdentKeyValues, parseKeyValues, type KeyValues } from "./keyval.js";
import { instanceName } from "./names.js";
import { beParams, diskChange, nicChange, osParams, type RawParams } from "./params.js";
import { parseSize } from "./sizes.js";

export interface ModifyOptions extends JobOptions {
  backendParameters?: string;
  hypervisorParameters?: string;
  runtimeMemory?: string;
  net?: string[];
  disk?: string[];
  offline?: boolean;
  online?: boolean;
  osParameters?: string;
  force?: boolean;
}

type Action = "add" | "remove" | "modify";

/**
 * One --net or --disk of modify in Ganeti's syntax
 * (_ConvertNicDiskModifications): `add[:params]` and `remove` act on the
 * end of the list; `N:add,params`, `N:remove` and `N:modify,params` (or
 * just `N:params`) on index N. The opcode takes [action, index, params].
 */
export function parseModification(text: string, option: string): { action: Action; index: number; params: KeyValues } {
  const { ident, values } = parseIdentKeyValues(text, option);
  if (ident === "add" || ident === "remove") {
    if (ident === "remove" && Object.keys(values).length > 0) throw new UsageError(`${option} ${text}: a removal takes no parameters.`);
    return { action: ident, index: -1, params: values };
  }
  if (!/^-?\d+$/.test(ident)) throw new UsageError(`Invalid ${option} ${JSON.stringify(text)}: expected add[:PARAMS], remove, or INDEX:add|remove|modify[,PARAMS].`);
  const { add, remove, modify, ...params } = values;
  const flags = [add, remove, modify].filter((flag) => flag !== undefined);
  if (flags.some((flag) => flag !== true)) throw new UsageError(`${option} ${text}: add, remove and modify take no value.`);
  if (flags.length > 1) throw new UsageError(`${option} ${text}: give only one of add, remove and modify.`);
  const action: Action = add ? "add" : remove ? "remove" : "modify";
  if (action === "remove" && Object.keys(params).length > 0) throw new UsageError(`${option} ${text}: a removal takes no parameters.`);
  return { action, index: Number(ident), params };
}

function modifications(texts: readonly string[], option: string, typed: (raw: RawParams, what: string) => unknown): Array<[Action, number, unknown]> {
  return texts.map((text) => {
    const { action, index, params } = parseModification(text, option);
    return [action, index, typed(params, `${option} ${index === -1 ? action : index}`)];
  });
}

/** -B and -H as an opcode's beparams and hvparams (modify's changes, startup's temporary values). */
export function parameterGroups(options: { backendParameters?: string; hypervisorParameters?: string }): { beparams?: BeParamsInput; hvparams?: HvParamsInput } {
  return {
    ...(options.backendParameters === undefined ? {} : { beparams: beParams(parseKeyValues(options.backendParameters, "-B")) }),
    ...(options.hypervisorParameters === undefined ? {} : { hvparams: hypervisorOption(options.hypervisorParameters).hvparams }),
  };
}

/** The OP_INSTANCE_SET_PARAMS that `alkor-instance modify` submits. */
export function instanceSetParamsOp(name: string, options: ModifyOptions): OpcodeInput {
  if (options.offline && options.online) throw new UsageError("Give either --offline or --online, not both.");
  const changes = {
    ...parameterGroups(options),
    ...(options.runtimeMemory === undefined ? {} : { runtime_mem: parseSize(options.runtimeMemory, "-m") }),
    ...(options.net === undefined ? {} : { nics: modifications(options.net, "--net", nicChange) }),
    ...(options.disk === undefined ? {} : { disks: modifications(options.disk, "--disk", (raw, what) => diskChange(raw, what)) }),
    ...(options.offline ? { offline: true } : options.online ? { offline: false } : {}),
    ...(options.osParameters === undefined ? {} : { osparams: osParams(parseKeyValues(options.osParameters, "-O")) }),
  };
  if (Object.keys(changes).length === 0) throw new UsageError("Please give at least one of the parameters: -B, -H, -m, --net, --disk, --offline, --online or -O.");
  return { OP_ID: "OP_INSTANCE_SET_PARAMS", instance_name: instanceName(name), ...changes, ...(options.force ? { force: true } : {}) };
}

/** Ganeti's modify output: what changed, then the reminder that most changes wait for a restart. */
export function formatInstanceModified(name: string, changes: ReadonlyArray<readonly [string, unknown]>): string[] {
  return [
    `Modified instance ${name}`,
    ...changes.map(([param, value]) => ` - ${param.padEnd(5)} -> ${String(value)}`),
    "Please don't forget that most parameters take effect only at the next (re)start of the instance initiated by alkor; restarting from within the instance will not be enough.",
  ];
}

export function addInstanceModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change an instance's parameters, NICs and disks; most take effect at its next start")
    .argument("<instance>", "the instance's name")
    .option("-B, --backend-parameters <params>", "maxmem=,minmem=,memory=,vcpus=,auto_balance=,always_failover=")
    .option("-H, --hypervisor-parameters <[kvm:]params>", "kvm parameters, key=value,...")
    .option("-m, --runtime-memory <size>", "change the running instance's memory now (within maxmem)")
    .option("--net <change>", "add[:PARAMS], remove, N:add,PARAMS, N:remove or N:modify,PARAMS (repeatable)", collect)
    .option("--disk <change>", "add:size=SIZE[,mode=ro|rw][,name=NAME] or N:add,size=SIZE,... (repeatable)", collect)
    .option("--offline", "mark the stopped instance offline: it holds no resources")
    .option("--online", "bring an offline instance back (stopped)")
    .option("-O, --os-parameters <params>", "OS parameters, key=value,...")
    .option("-f, --force", "change the instance even where a check would refuse");
  addJobOptions(command).action(async (text: string, options: ModifyOptions) => {
    const op = instanceSetParamsOp(text, options);
    const results = await runJob([op], options);
    if (results !== null) printLines(formatInstanceModified(op.instance_name as string, opResult(z.array(z.tuple([z.string(), z.unknown()])), results[0], "OP_INSTANCE_SET_PARAMS")));
  });
}
