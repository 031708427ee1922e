import { InvalidArgumentError, type Command } from "commander";
import { z } from "zod";
import { printLines, UsageError } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";
import { instanceName } from "./names.js";
import { parseSize } from "./sizes.js";

/* activate-disks, deactivate-disks, recreate-disks and grow-disk: the manual's "Дисковые операции". */

/** OP_INSTANCE_ACTIVATE_DISKS's result: [node, "disk/N", path] per disk. */
const ActivatedDisksSchema = z.array(z.tuple([z.string(), z.string(), z.string()]));

/** The lines Ganeti's activate-disks prints: node:disk/N:path. */
export function formatActivatedDisks(result: unknown): string[] {
  return opResult(ActivatedDisksSchema, result, "OP_INSTANCE_ACTIVATE_DISKS").map(([node, disk, path]) => `${node}:${disk}:${path}`);
}

/** --disks 0,2: disk indices. */
export function parseDiskIndices(value: string): number[] {
  const indices = value.split(",").map((part) => part.trim());
  if (indices.some((part) => !/^\d+$/.test(part))) throw new InvalidArgumentError("Expected disk indices such as 0 or 0,1.");
  return indices.map(Number);
}

/** The disk index of grow-disk, as Ganeti takes it: a number. */
export function parseDiskIndex(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`Invalid disk index ${JSON.stringify(text)}: expected 0, 1, ...`);
  return Number(text);
}

interface ActivateOptions extends JobOptions {
  ignoreSize?: boolean;
}

interface ForceOptions extends JobOptions {
  force?: boolean;
}

interface RecreateOptions extends JobOptions {
  disks?: number[];
}

interface GrowOptions extends JobOptions {
  absolute?: boolean;
}

export function addInstanceDiskCommands(program: Command): void {
  const activate = program
    .command("activate-disks")
    .description("activate an instance's disks on its primary node and print where they are (node:disk/N:path)")
    .argument("<instance>", "the instance's name")
    .option("--ignore-size", "do not check the disks' sizes against the configuration");
  addJobOptions(activate).action(async (text: string, options: ActivateOptions) => {
    const op = { OP_ID: "OP_INSTANCE_ACTIVATE_DISKS", instance_name: instanceName(text), ...(options.ignoreSize ? { ignore_size: true } : {}) };
    const results = await runJob([op], options);
    if (results !== null) printLines(formatActivatedDisks(results[0]));
  });

  const deactivate = program
    .command("deactivate-disks")
    .description("deactivate a stopped instance's disks")
    .argument("<instance>", "the instance's name")
    .option("-f, --force", "deactivate them even if the instance is marked to be up");
  addJobOptions(deactivate).action(async (text: string, options: ForceOptions) => {
    await runJob([{ OP_ID: "OP_INSTANCE_DEACTIVATE_DISKS", instance_name: instanceName(text), ...(options.force ? { force: true } : {}) }], options);
  });

  const recreate = program
    .command("recreate-disks")
    .description("make a stopped instance's missing disks anew, empty (present ones are left as they are)")
    .argument("<instance>", "the instance's name")
    .option("--disks <indices>", "only these disks, e.g. 0,1 (default: all)", parseDiskIndices);
  addJobOptions(recreate).action(async (text: string, options: RecreateOptions) => {
    const results = await runJob([{ OP_ID: "OP_INSTANCE_RECREATE_DISKS", instance_name: instanceName(text), disks: options.disks ?? [] }], options);
    if (results === null) return;
    const recreated = opResult(z.array(z.number().int()), results[0], "OP_INSTANCE_RECREATE_DISKS");
    printLines([recreated.length === 0 ? "No disk was recreated: every chosen disk is present." : `Recreated disk${recreated.length > 1 ? "s" : ""} ${recreated.join(", ")}.`]);
  });

  const grow = program
    .command("grow-disk")
    .description("grow a disk by AMOUNT, or to AMOUNT with --absolute (512M, 10G, 1T; a plain number is MiB)")
    .argument("<instance>", "the instance's name")
    .argument("<disk>", "the disk's index")
    .argument("<amount>", "how much to add, or the new size with --absolute")
    .option("--absolute", "AMOUNT is the disk's new size, not what to add");
  addJobOptions(grow).action(async (text: string, disk: string, amount: string, options: GrowOptions) => {
    const op = {
      OP_ID: "OP_INSTANCE_GROW_DISK",
      instance_name: instanceName(text),
      disk: parseDiskIndex(disk),
      amount: parseSize(amount, "AMOUNT"),
      ...(options.absolute ? { absolute: true } : {}),
    };
    await runJob([op], options);
  });
}
