import { InstanceNameSchema } from "../../cluster/state/instance-schema.js";
import { checkRequest } from "../options.js";

/** An instance name given on the command line, checked before anything is sent. */
export function instanceName(text: string, label = "INSTANCE"): string {
  return checkRequest(InstanceNameSchema, text, { "": label });
}
