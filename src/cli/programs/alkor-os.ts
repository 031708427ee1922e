import type { Command } from "commander";
import { createProgram } from "../common.js";
import { addOsDiagnoseCommand } from "../os/diagnose.js";
import { addOsInfoCommand } from "../os/info.js";
import { addOsListCommand } from "../os/list.js";

/** alkor-os: Query the OS definitions of an alkor cluster's nodes through the local agent. */
export function alkorOsProgram(): Command {
  const program = createProgram("alkor-os", "Query the OS definitions of an alkor cluster's nodes through the local agent.");
  addOsListCommand(program);
  addOsDiagnoseCommand(program);
  addOsInfoCommand(program);
  return program;
}
