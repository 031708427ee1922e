import type { Command } from "commander";
import { InstanceBodySchema, instancePath } from "../../api/local/contract.js";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { AlkorError } from "../../model/errors.js";
import { endpointOf, printLines } from "../common.js";
import { getJson } from "../endpoint.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { runJob } from "../jobs/runner.js";
import { parseInteger } from "../options.js";
import { askOnTerminal, requireTerminal } from "./confirm.js";
import { instanceName } from "./names.js";

interface RemoveOptions extends JobOptions {
  force?: boolean;
  ignoreFailures?: boolean;
  shutdownTimeout?: number;
}

export function instanceRemoveOp(name: string, options: Pick<RemoveOptions, "ignoreFailures" | "shutdownTimeout">): OpcodeInput {
  return {
    OP_ID: "OP_INSTANCE_REMOVE",
    instance_name: name,
    ...(options.ignoreFailures ? { ignore_failures: true } : {}),
    ...(options.shutdownTimeout === undefined ? {} : { shutdown_timeout: options.shutdownTimeout }),
  };
}

export function addInstanceRemoveCommand(program: Command): void {
  const command = program
    .command("remove")
    .description("shut an instance down and remove it with its disks; asks first unless -f")
    .argument("<instance>", "the instance's name")
    .option("-f, --force", "do not ask for confirmation")
    .option("--ignore-failures", "remove the instance from the configuration even if its node fails to remove its domain or disks")
    .option("--shutdown-timeout <seconds>", "seconds the instance gets to shut down before it is destroyed (default 120)", parseInteger);
  addJobOptions(command).action(async (text: string, options: RemoveOptions) => {
    const name = instanceName(text);
    if (!options.force) {
      requireTerminal(`Removing instance ${name} destroys its disks and their data; pass -f (--force) to remove it without being asked.`);
      // Ganeti makes sure the instance exists before asking.
      await getJson(endpointOf(options), instancePath(name), InstanceBodySchema);
      const question = `This will remove the volumes of the instance ${name} (including mirrors), thus removing all the data of the instance. Continue?`;
      if (!(await askOnTerminal(question))) throw new AlkorError("wrong_input", `Instance ${name} was not removed.`);
    }
    const results = await runJob([instanceRemoveOp(name, options)], options);
    if (results !== null) printLines([`Instance ${name} was removed.`]);
  });
}
