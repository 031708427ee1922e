import type { InstanceView } from "../../model/instance.js";
import type { InstanceConsoleBody, OsListBody } from "./contract.js";

/** Instances and OS definitions as the agent serves them to the CLI and the RAPI: configuration beside what the nodes report. */
export interface InstanceDirectory {
  /** Every instance, sorted by name (a linearizable read of the configuration; the nodes asked at once). */
  list(): Promise<InstanceView[]>;
  /** One instance; unknown_entity naming it when there is none. */
  get(name: string): Promise<InstanceView>;
  /** Where its serial console is. */
  console(name: string): Promise<InstanceConsoleBody>;
  /** Each node's OS definitions. */
  operatingSystems(): Promise<OsListBody["nodes"]>;
}
