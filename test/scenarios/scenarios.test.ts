import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import test from "ava";
import { checkScenario } from "./harness/scenario.js";

/**
 * One test per folder of test/scenarios (pve-ha-manager's layout): README,
 * config.json, cmdlist, expected_log. The run's log is written to `log`
 * beside them; ALKOR_SCENARIO_BLESS=1 makes it the expected log, for review.
 */
const root = fileURLToPath(new URL("../../../test/scenarios/", import.meta.url));
const bless = process.env.ALKOR_SCENARIO_BLESS === "1";

for (const entry of readdirSync(root, { withFileTypes: true })) {
  if (!entry.isDirectory() || entry.name === "harness") continue;
  const dir = join(root, entry.name);
  test(`scenario ${entry.name} gives its expected event log`, async (t) => {
    const { log, expected, failure } = await checkScenario(dir, bless);
    if (failure) {
      t.fail(`${failure.message} (the log up to there is in ${join(dir, "log")})`);
      return;
    }
    if (expected === undefined) {
      t.fail(`${dir} has no expected_log: read ${join(dir, "log")} and, if it is right, run again with ALKOR_SCENARIO_BLESS=1.`);
      return;
    }
    t.is(log, expected, `the log (in ${join(dir, "log")}) differs from expected_log`);
  });
}
