import test from "ava";
import { InvalidArgumentError } from "commander";
import { z } from "zod";
import { UsageError } from "../../../src/cli/common.js";
import { checkRequest, parseDuration, parseInteger, parseYesNo } from "../../../src/cli/options.js";

test("takes yes and no, nothing else", (t) => {
  t.true(parseYesNo("yes"));
  t.false(parseYesNo("no"));
  for (const value of ["Yes", "true", "1", "y", ""]) t.throws(() => parseYesNo(value), { instanceOf: InvalidArgumentError }, value);
});

test("takes whole numbers only, leaving the range to the request's schema", (t) => {
  t.is(parseInteger("7"), 7);
  t.is(parseInteger("-1"), -1);
  for (const value of ["2.5", "1e3", "0x10", " 7", "", "seven"]) t.throws(() => parseInteger(value), { instanceOf: InvalidArgumentError }, value);
});

test("names the options, not the request's fields, in a usage error listing every problem", (t) => {
  const schema = z.object({ size: z.number().max(9), name: z.string().min(2) });
  const error = t.throws(() => checkRequest(schema, { size: 10, name: "x" }, { size: "--size", name: "NAME" }), { instanceOf: UsageError });
  t.is(error?.message, "--size: Too big: expected number to be <=9; NAME: Too small: expected string to have >=2 characters.");
  t.deepEqual(checkRequest(schema, { size: 1, name: "ab" }, {}), { size: 1, name: "ab" });
});

test("takes Ganeti's timespecs as durations in milliseconds", (t) => {
  t.is(parseDuration("3600"), 3_600_000);
  t.is(parseDuration("3600s"), 3_600_000);
  t.is(parseDuration("30m"), 1_800_000);
  t.is(parseDuration("1h"), 3_600_000);
  t.is(parseDuration("2d"), 172_800_000);
  t.is(parseDuration("1w"), 604_800_000);
});

test("refuses durations that are empty, zero, negative, fractional, with an unknown unit or only a unit", (t) => {
  for (const value of ["", "0", "0h", "-1h", "1.5h", "1y", "h", "1 h", "1H", "99999999999999999w"]) {
    const error = t.throws(() => parseDuration(value), { instanceOf: InvalidArgumentError }, value);
    t.is(error?.message, "Expected a duration such as 3600, 3600s, 30m, 1h, 2d or 1w.");
  }
});
