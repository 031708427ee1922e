import test from "ava";
import { InvalidArgumentError } from "commander";
import { UsageError } from "../../../../src/cli/common.js";
import { parseJobIds, parsePriority } from "../../../../src/cli/jobs/job-options.js";

test("takes Ganeti's priority names and the numbers from -20 to 19", (t) => {
  t.is(parsePriority("low"), 10);
  t.is(parsePriority("normal"), 0);
  t.is(parsePriority("high"), -10);
  t.is(parsePriority("-20"), -20);
  t.is(parsePriority("19"), 19);
  for (const value of ["20", "-21", "urgent", "1.5", "", "constructor"]) {
    const error = t.throws(() => parsePriority(value), { instanceOf: InvalidArgumentError }, value);
    t.is(error?.message, "Expected low, normal, high or an integer from -20 to 19.");
  }
});

test("takes job IDs that are positive integers, refusing the first that is not as a usage error", (t) => {
  t.deepEqual(parseJobIds(["7", "12"]), [7, 12]);
  for (const value of ["0", "-3", "1.0", "07", "x", "99999999999999999999"]) {
    const error = t.throws(() => parseJobIds(["1", value]), { instanceOf: UsageError }, value);
    t.is(error?.message, `Invalid job ID ${JSON.stringify(value)}: expected a positive integer.`);
  }
});
