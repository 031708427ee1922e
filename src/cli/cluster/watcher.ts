import type { Command } from "commander";
import { WATCHER_PATH, WatcherInfoSchema } from "../../api/local/contract.js";
import type { WatcherInfo } from "../../cluster/jobs/queue-api.js";
import type { Clock } from "../../host/clock.js";
import { addEndpointOption, endpointOf, printLines, type EndpointOptions } from "../common.js";
import { getJson, requestJson } from "../endpoint.js";
import { parseDuration } from "../options.js";
import { ctimeText } from "../time-format.js";

/** gnt-cluster watcher info's and pause's line. */
export function formatWatcherInfo(info: WatcherInfo): string {
  return info.pausedUntil === null ? "The watcher is not paused." : `The watcher is paused until ${ctimeText(info.pausedUntil)}.`;
}

/**
 * watcher pause DURATION|continue|info (the manual's "Управление
 * наблюдателем"): pauses automatic maintenance until the clock's now plus
 * the duration.
 */
export function addClusterWatcherCommand(program: Command, clock: Clock): void {
  const watcher = program.command("watcher").description("pause automatic maintenance, let it run again, or show whether it is paused");
  const pause = watcher
    .command("pause")
    .description("pause the watcher for a while")
    .argument("<duration>", "how long: seconds, or a number with s, m, h, d or w (3600, 30m, 1h, 2d)", parseDuration);
  addEndpointOption(pause).action(async (durationMs: number, options: EndpointOptions) => {
    const info = await requestJson(endpointOf(options), "POST", WATCHER_PATH, WatcherInfoSchema, { pausedUntil: clock.now() + durationMs });
    printLines([formatWatcherInfo(info)]);
  });
  const resume = watcher.command("continue").description("let the watcher run again");
  addEndpointOption(resume).action(async (options: EndpointOptions) => {
    await requestJson(endpointOf(options), "POST", WATCHER_PATH, WatcherInfoSchema, { pausedUntil: null });
    printLines(["The watcher is no longer paused."]);
  });
  const info = watcher.command("info").description("say whether the watcher is paused, and until when");
  addEndpointOption(info).action(async (options: EndpointOptions) => {
    printLines([formatWatcherInfo(await getJson(endpointOf(options), WATCHER_PATH, WatcherInfoSchema))]);
  });
}
