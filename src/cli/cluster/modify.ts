import type { Command } from "commander";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { printLines, UsageError } from "../common.js";
import { hypervisorOption } from "../instance/add.js";
import { parseKeyValues } from "../instance/keyval.js";
import { beParams, HYPERVISOR, nicChange } from "../instance/params.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { runJob } from "../jobs/runner.js";
import { parseDuration, parseInteger } from "../options.js";

export interface ClusterModifyOptions extends JobOptions {
  candidatePoolSize?: number;
  jobArchiveAge?: number;
  backendParameters?: string;
  hypervisorParameters?: string;
  nicParameters?: string;
  fileStorageDir?: string;
  vgName?: string;
  macPrefix?: string;
}

/** The cluster's NIC defaults: how NICs connect. A NIC's MAC, IP and name are its own. */
const clusterNicKeys = ["mode", "link"];

/** key=value,... of a parameter group, as the operator reads it back. */
function keyValuesText(values: Readonly<Record<string, unknown>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(",");
}

/**
 * The OP_CLUSTER_SET_PARAMS that `alkor-cluster modify` submits, and the
 * changes in words. -B, -H and -N go through the instance commands' parsers;
 * the opcode's schema checks everything again when the job is submitted.
 */
export function clusterSetParamsOp(options: ClusterModifyOptions): { op: OpcodeInput; changes: string[] } {
  const params: Record<string, unknown> = {};
  const changes: string[] = [];
  if (options.candidatePoolSize !== undefined) {
    params.candidate_pool_size = options.candidatePoolSize;
    changes.push(`candidate pool size ${options.candidatePoolSize}`);
  }
  if (options.jobArchiveAge !== undefined) {
    const seconds = Math.round(options.jobArchiveAge / 1000);
    params.job_archive_age = seconds;
    changes.push(`jobs archived ${seconds} s after they end`);
  }
  if (options.backendParameters !== undefined) {
    const beparams = beParams(parseKeyValues(options.backendParameters, "-B"));
    params.beparams = beparams;
    changes.push(`default backend parameters ${keyValuesText(beparams)}`);
  }
  if (options.hypervisorParameters !== undefined) {
    const { hvparams } = hypervisorOption(options.hypervisorParameters);
    params.hvparams = { [HYPERVISOR]: hvparams };
    changes.push(`default ${HYPERVISOR} parameters ${keyValuesText(hvparams)}`);
  }
  if (options.nicParameters !== undefined) {
    const raw = parseKeyValues(options.nicParameters, "-N");
    const other = Object.keys(raw).filter((key) => !clusterNicKeys.includes(key));
    if (other.length > 0) throw new UsageError(`-N sets the cluster's NIC defaults, ${clusterNicKeys.join(" and ")}; each NIC has its own ${other.join(", ")} (alkor-instance modify --net).`);
    const nicparams = nicChange(raw, "-N");
    params.nicparams = nicparams;
    changes.push(`default NIC parameters ${keyValuesText(nicparams)}`);
  }
  if (options.fileStorageDir !== undefined) {
    params.file_storage_dir = options.fileStorageDir;
    changes.push(`file storage directory ${options.fileStorageDir}`);
  }
  if (options.vgName !== undefined) {
    params.vg_name = options.vgName;
    changes.push(`volume group ${options.vgName}`);
  }
  if (options.macPrefix !== undefined) {
    params.mac_prefix = options.macPrefix;
    changes.push(`MAC prefix ${options.macPrefix}`);
  }
  if (changes.length === 0) {
    throw new UsageError("Nothing to change: give --candidate-pool-size, --job-archive-age, -B, -H, -N, --file-storage-dir, --vg-name or --mac-prefix.");
  }
  return { op: { OP_ID: "OP_CLUSTER_SET_PARAMS", ...params }, changes };
}

export function addClusterModifyCommand(program: Command): void {
  const command = program
    .command("modify")
    .description("change the cluster's parameters and the defaults of its instances")
    .option("--candidate-pool-size <n>", "how many nodes to keep as master candidates", parseInteger)
    .option("--job-archive-age <duration>", "archive ended jobs this long after they end (e.g. 6h, 2d)", parseDuration)
    .option("-B, --backend-parameters <params>", "default maxmem=,minmem=,memory=,vcpus=,auto_balance=,always_failover=")
    .option("-H, --hypervisor-parameters <[kvm:]params>", "default kvm parameters, key=value,...")
    .option("-N, --nic-parameters <params>", "default NIC mode= and link=")
    .option("--file-storage-dir <dir>", "where file disks go on every node (not while instances have file disks)")
    .option("--vg-name <vg>", "the volume group of plain disks (not while instances have plain disks)")
    .option("--mac-prefix <prefix>", "the first three octets of generated MAC addresses, e.g. aa:00:00");
  addJobOptions(command).action(async (options: ClusterModifyOptions) => {
    const { op, changes } = clusterSetParamsOp(options);
    const results = await runJob([op], options);
    if (results !== null) printLines([`Modified the cluster: ${changes.join(", ")}.`]);
  });
}
