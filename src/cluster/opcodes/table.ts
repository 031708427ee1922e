import type { OpcodeTable } from "../jobs/opcode-input.js";
import { clusterSetParams } from "./cluster-set-params.js";
import { clusterVerify } from "./cluster-verify.js";
import type { OpcodeDefinition } from "./definition.js";
import { instanceCreate } from "./instance-create.js";
import { instanceActivateDisks, instanceDeactivateDisks, instanceGrowDisk, instanceRecreateDisks } from "./instance-disks.js";
import { instanceQueryData } from "./instance-query-data.js";
import { instanceReboot } from "./instance-reboot.js";
import { instanceRemove } from "./instance-remove.js";
import { instanceRename } from "./instance-rename.js";
import { instanceSetParams } from "./instance-set-params.js";
import { instanceShutdown } from "./instance-shutdown.js";
import { instanceStartup } from "./instance-startup.js";
import { nodeAdd } from "./node-add.js";
import { nodeRemove } from "./node-remove.js";
import { nodeSetParams } from "./node-set-params.js";
import { tagsDel } from "./tags-del.js";
import { tagsSearch } from "./tags-search.js";
import { tagsSet } from "./tags-set.js";
import { testDelay } from "./test-delay.js";

/** Every opcode alkor runs, by OP_ID: the one place a new opcode is registered. */
export const opcodeTable: OpcodeTable = new Map(
  (
    [
      clusterSetParams,
      clusterVerify,
      instanceActivateDisks,
      instanceCreate,
      instanceDeactivateDisks,
      instanceGrowDisk,
      instanceQueryData,
      instanceReboot,
      instanceRecreateDisks,
      instanceRemove,
      instanceRename,
      instanceSetParams,
      instanceShutdown,
      instanceStartup,
      nodeAdd,
      nodeRemove,
      nodeSetParams,
      tagsDel,
      tagsSearch,
      tagsSet,
      testDelay,
    ] as OpcodeDefinition<never>[]
  ).map(
    (definition) => [definition.id, definition as unknown as OpcodeDefinition],
  ),
);
