import test from "ava";
import { osNames } from "../../../../src/api/rapi/os-names.js";
import { AlkorError } from "../../../../src/model/errors.js";
import type { OsDefinitionView } from "../../../../src/node/instance-rpc-methods.js";

function os(name: string, variants: string[] = [], valid = true): OsDefinitionView {
  return { name, path: `/srv/os/${name}`, apiVersions: [20], variants, parameters: [], valid, problems: [] };
}

function node(name: string, definitions: OsDefinitionView[] | null) {
  return { node: name, definitions, error: definitions === null ? `${name} did not answer` : null };
}

test("an OS is listed when valid on every node, with only the variants all of them have", (t) => {
  t.deepEqual(
    osNames([
      node("n1", [os("debootstrap", ["default", "minimal", "testing"]), os("noop"), os("image", [], false)]),
      node("n2", [os("image"), os("debootstrap", ["testing", "default"]), os("noop")]),
    ]),
    ["debootstrap+default", "debootstrap+testing", "noop"],
  );
});

test("an OS missing on one node, or invalid there, is left out", (t) => {
  t.deepEqual(osNames([node("n1", [os("a"), os("b")]), node("n2", [os("b", [], false)])]), []);
});

test("a node's first definition of a name counts, as the first in Ganeti's search path", (t) => {
  t.deepEqual(osNames([node("n1", [os("a", [], false), os("a")])]), []);
  t.deepEqual(osNames([node("n1", [os("a"), os("a", [], false)])]), ["a"]);
});

test("OSes whose variants have nothing in common across nodes are listed by their bare name", (t) => {
  t.deepEqual(osNames([node("n1", [os("a", ["x"])]), node("n2", [os("a", ["y"])])]), ["a"]);
});

test("names sort with digits by value", (t) => {
  t.deepEqual(osNames([node("n1", [os("os10"), os("os9"), os("os1")])]), ["os1", "os9", "os10"]);
});

test("a node that did not answer is left out, as Ganeti's diagnosis leaves out failed nodes", (t) => {
  t.deepEqual(osNames([node("n1", [os("a")]), node("n2", null)]), ["a"]);
});

test("when no node answered the failure names each node's error; with no vm-capable node there is nothing to list", (t) => {
  const error = t.throws(() => osNames([node("n1", null), node("n2", null)]), { instanceOf: AlkorError });
  t.is(error.code, "environment_error");
  t.is(error.message, "No node told its OS definitions (n1: n1 did not answer; n2: n2 did not answer).");
  t.deepEqual(osNames([]), []);
});
