import test from "ava";
import { parseApiVersions, parseParameters, parseVariants, splitOsName } from "../../../../src/host/os/os-definition.js";

test("an OS name splits at its first + into name and variant", (t) => {
  t.deepEqual(splitOsName("debootstrap"), { name: "debootstrap", variant: null });
  t.deepEqual(splitOsName("alkor-image+image"), { name: "alkor-image", variant: "image" });
  t.deepEqual(splitOsName("a+b+c"), { name: "a", variant: "b+c" });
});

test("ganeti_api_version holds one version a line, newest first", (t) => {
  t.deepEqual(parseApiVersions("20\n15\n10\n"), { versions: [20, 15, 10], problems: [] });
  t.deepEqual(parseApiVersions("20"), { versions: [20], problems: [] });
  t.deepEqual(parseApiVersions("twenty\n"), { versions: [], problems: ['ganeti_api_version: "twenty" is not a version number'] });
  t.deepEqual(parseApiVersions("\n"), { versions: [], problems: ["ganeti_api_version names no API version"] });
});

test("variants.list ignores empty lines and # comments, and refuses names that cannot follow a +", (t) => {
  t.deepEqual(parseVariants("# variants\nblank\n\n  image  \nblank\n"), { variants: ["blank", "image"], problems: [] });
  t.deepEqual(parseVariants("ok\nnot/ok\n").problems, ['variants.list: "not/ok" is not a valid variant name (letters, digits and . _ -)']);
});

test("parameters.list is name and description, separated by spaces or tabs", (t) => {
  t.deepEqual(parseParameters("dhcp Whether to enable (yes) or disable (no) dhcp\nroot_size\tThe size of the root partition, in GiB\nbare\n"), {
    parameters: [
      { name: "dhcp", description: "Whether to enable (yes) or disable (no) dhcp" },
      { name: "root_size", description: "The size of the root partition, in GiB" },
      { name: "bare", description: "" },
    ],
    problems: [],
  });
  t.deepEqual(parseParameters("9lives x\ndhcp a\ndhcp b\n").problems, [
    'parameters.list: "9lives" is not a valid parameter name (a letter, then letters, digits, _ and -)',
    "parameters.list: parameter dhcp is declared twice",
  ]);
});
