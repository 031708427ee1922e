import type { Command } from "commander";
import { QUEUE_DRAIN_PATH, QUEUE_PATH, QueueDrainSchema, QueueInfoBodySchema } from "../../api/local/contract.js";
import type { QueueInfo } from "../../cluster/jobs/queue-api.js";
import { addEndpointOption, addJsonOption, endpointOf, printJson, printLines, type EndpointOptions } from "../common.js";
import { getJson, requestJson } from "../endpoint.js";

/** gnt-cluster queue info's one line. */
export function formatQueueInfo(info: QueueInfo): string {
  return `The drain flag is ${info.drained ? "set" : "unset"}`;
}

/**
 * queue info|drain|undrain (the manual's "Очередь операций"): a drained
 * queue takes no new jobs while the running ones finish. drain and undrain
 * print nothing, as Ganeti's.
 */
export function addClusterQueueCommand(program: Command): void {
  const queue = program.command("queue").description("show or change whether the job queue takes new jobs");
  const info = queue.command("info").description("say whether the queue is drained");
  addJsonOption(addEndpointOption(info)).action(async (options: EndpointOptions & { json?: boolean }) => {
    const answer = await getJson(endpointOf(options), QUEUE_PATH, QueueInfoBodySchema);
    if (options.json) printJson(answer);
    else printLines([formatQueueInfo(answer)]);
  });
  for (const [name, drained, description] of [
    ["drain", true, "refuse new jobs; running and queued ones go on"],
    ["undrain", false, "take new jobs again"],
  ] as const) {
    const command = queue.command(name).description(description);
    addEndpointOption(command).action(async (options: EndpointOptions) => {
      await requestJson(endpointOf(options), "POST", QUEUE_DRAIN_PATH, QueueDrainSchema, { drained });
    });
  }
}
