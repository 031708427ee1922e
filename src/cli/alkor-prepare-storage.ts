#!/usr/bin/env node
import { join } from "node:path";
import { findPackageRoot } from "../agent/package-root.js";
import { systemClock } from "../host/clock.js";
import { localDurableFiles } from "../host/durable-file.js";
import { processExec } from "../host/exec.js";
import { collectInventory } from "../host/hw/inventory.js";
import { fsProfileFiles } from "../host/hw/profile-files.js";
import { loadProfiles } from "../host/hw/profile.js";
import { liveSystemInfo } from "../host/hw/systeminformation-source.js";
import { prepareStorage } from "../node/storage-prep.js";
import { createProgram, runCliProcess } from "./common.js";

const program = createProgram(
  "alkor-prepare-storage",
  "Create alkor's LVM volume group on the data disks the hardware profile selects (first boot). Idempotent; refuses, changing nothing, if a selected disk holds data alkor did not create.",
)
  .option("--profiles <dir>", "directory of hardware profiles (default: the packaged hw-profiles/)")
  .option("--state-dir <dir>", "where the storage-prepared marker is written", "/var/lib/alkor")
  .option("--dry-run", "print the plan and change nothing")
  .action(async (options: { profiles?: string; stateDir: string; dryRun?: boolean }) => {
    const profilesDir = options.profiles ?? join(findPackageRoot(import.meta.url).root, "hw-profiles");
    await prepareStorage(
      {
        exec: processExec,
        // In this process: the agent reads the hardware in a child to keep its event loop free; a one-shot command need not,
        // and a bundled copy of this command (the image's) has no reader script beside it.
        readInventory: () => collectInventory(liveSystemInfo),
        loadProfiles: () => loadProfiles(profilesDir, fsProfileFiles),
        files: localDurableFiles,
        stateDir: options.stateDir,
        clock: systemClock,
        feedback: (line) => process.stdout.write(`${line}\n`),
      },
      { dryRun: options.dryRun === true },
    );
  });

await runCliProcess(program);
