import type { Command } from "commander";
import { alkorClusterProgram } from "./alkor-cluster.js";
import { alkorInstanceProgram } from "./alkor-instance.js";
import { alkorJobProgram } from "./alkor-job.js";
import { alkorNodeProgram } from "./alkor-node.js";
import { alkorOsProgram } from "./alkor-os.js";

/** The commands that talk to the agent, which it can also run itself for the thin client (cli-service.ts). */
export const agentPrograms: Readonly<Record<string, () => Command>> = {
  "alkor-cluster": alkorClusterProgram,
  "alkor-instance": alkorInstanceProgram,
  "alkor-job": alkorJobProgram,
  "alkor-node": alkorNodeProgram,
  "alkor-os": alkorOsProgram,
};
