import type { Command } from "commander";
import { z } from "zod";
import { printLines } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";
import { instanceName } from "./names.js";

interface RenameOptions extends JobOptions {
  ipCheck: boolean;
  nameCheck: boolean;
}

export function addInstanceRenameCommand(program: Command): void {
  const command = program
    .command("rename")
    .description("rename a stopped instance (its domain is redefined and the OS's rename script runs)")
    .argument("<instance>", "the instance's name")
    .argument("<new-name>", "its new name")
    .option("--no-ip-check", "accepted for Ganeti's sake; alkor checks no addresses")
    .option("--no-name-check", "accepted for Ganeti's sake; alkor resolves no names");
  addJobOptions(command).action(async (oldText: string, newText: string, options: RenameOptions) => {
    const name = instanceName(oldText);
    const newName = instanceName(newText, "NEW-NAME");
    const op = {
      OP_ID: "OP_INSTANCE_RENAME",
      instance_name: name,
      new_name: newName,
      ...(options.ipCheck ? {} : { ip_check: false }),
      ...(options.nameCheck ? {} : { name_check: false }),
    };
    const results = await runJob([op], options);
    if (results !== null) printLines([`Instance '${name}' renamed to '${opResult(z.string(), results[0], "OP_INSTANCE_RENAME")}'`]);
  });
}
