import test from "ava";
import { renderInfoEntries } from "../../../src/cli/info-block.js";

test("renders scalars as key: value lines at the given indent", (t) => {
  t.deepEqual(renderInfoEntries({ "primary ip": "192.0.2.1", cpus: 8, drained: false }, "  "), [
    "  primary ip: 192.0.2.1",
    "  cpus: 8",
    "  drained: false",
  ]);
});

test("indents nested objects by two spaces under their key", (t) => {
  t.deepEqual(renderInfoEntries({ cpu: { brand: "Xeon", cache: { l2: 1024 } } }, ""), ["cpu:", "  brand: Xeon", "  cache:", "    l2: 1024"]);
});

test("renders lists as dash items, objects in a list with their keys aligned after the dash", (t) => {
  t.deepEqual(renderInfoEntries({ nics: ["eth0", "eth1"], disks: [{ name: "sda", size: 1 }, { name: "sdb", size: 2 }] }, ""), [
    "nics:",
    "  - eth0",
    "  - eth1",
    "disks:",
    "  - name: sda",
    "    size: 1",
    "  - name: sdb",
    "    size: 2",
  ]);
});

test("shows null as none, empty containers inline, and quotes strings that would read ambiguously", (t) => {
  t.deepEqual(renderInfoEntries({ serial: null, nics: [], bios: {}, vendor: "", label: " x", text: "a\nb", skipped: undefined }, ""), [
    "serial: none",
    "nics: []",
    "bios: {}",
    'vendor: ""',
    'label: " x"',
    'text: "a\\nb"',
  ]);
});

test("renders a list inside a list as nested dashes", (t) => {
  t.deepEqual(renderInfoEntries({ matrix: [[1, 2], [3]] }, ""), ["matrix:", "  - - 1", "    - 2", "  - - 3"]);
});
