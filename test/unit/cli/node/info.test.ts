import test from "ava";
import { formatNodeInfo } from "../../../../src/cli/node/info.js";
import { sampleNode } from "../../api/local/fake-node-directory.js";

test("says the hardware is not read yet while the node has no hardware summary", (t) => {
  const lines = formatNodeInfo({ node: sampleNode({ name: "node3", hardware: null }), inventory: null, profile: null, inventoryError: "timeout" });
  t.true(lines.includes("  hardware: not read yet"));
  t.true(lines.includes("  memory: 16.0G total, 12.0G free"));
});

test("leaves out the hardware profile when the node reported none", (t) => {
  const lines = formatNodeInfo({ node: sampleNode({ name: "node3" }), inventory: { bios: "x" }, profile: null });
  t.false(lines.some((line) => line.startsWith("  hardware profile")));
  t.deepEqual(lines.slice(-2), ["  inventory:", "    bios: x"]);
});

test("marks the inventory unavailable even when the reason is missing", (t) => {
  const lines = formatNodeInfo({ node: sampleNode({ name: "node3" }), inventory: null, profile: null });
  t.is(lines.at(-1), "  inventory: unavailable (no reason given)");
});

test("starts with the node's name and shows its role in the manual's words", (t) => {
  const lines = formatNodeInfo({ node: sampleNode({ name: "node3", role: "candidate", lastSeenAgoMs: 2500 }), inventory: null, profile: null });
  t.is(lines[0], "Node name: node3");
  t.true(lines.includes("  role: master candidate"));
  t.true(lines.includes("  last seen: 2.5s ago"));
});
