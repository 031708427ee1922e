import test from "ava";
import { join } from "node:path";
import { AlkorError } from "../../../../src/model/errors.js";
import { fsProfileFiles } from "../../../../src/host/hw/profile-files.js";
import { HardwareProfileSchema, loadProfiles, type ProfileFiles } from "../../../../src/host/hw/profile.js";
import { repoRoot } from "../../../fixtures/systeminformation/load.js";

/** Profile files held in memory, by file name. */
function filesOf(contents: Record<string, string>): ProfileFiles {
  return {
    list: async () => Object.keys(contents),
    read: async (path) => {
      const content = contents[path.slice("/profiles/".length)];
      if (content === undefined) throw new Error(`no file ${path}`);
      return content;
    },
  };
}

async function loadError(contents: Record<string, string>): Promise<AlkorError> {
  const error = await loadProfiles("/profiles", filesOf(contents)).catch((thrown: unknown) => thrown);
  if (!(error instanceof AlkorError)) throw new Error("loadProfiles did not fail with an AlkorError");
  return error;
}

test("every file in hw-profiles/ validates, and a generic profile is among them", async (t) => {
  const profiles = await loadProfiles(join(repoRoot, "hw-profiles"), fsProfileFiles);
  t.deepEqual(
    profiles.map((profile) => profile.name),
    ["dell-poweredge-r640", "generic", "qemu-lab"],
  );
});

test("a profile with only a name gets safe defaults: no roles, no data disks, no BMC, no panel", (t) => {
  t.deepEqual(HardwareProfileSchema.parse({ name: "bare" }), {
    name: "bare",
    description: "",
    match: { priority: 0 },
    nicRoles: { management: [], replication: [], vm: [] },
    dataDisks: { select: [], exclude: [], volumeGroup: "alkor" },
    bmc: { type: "none" },
    panel: { driver: "none" },
  });
});

test("an IPMI BMC defaults to lanplus, cipher suite 3 and the site config's address", (t) => {
  const profile = HardwareProfileSchema.parse({ name: "x", bmc: { type: "ipmi" } });
  t.deepEqual(profile.bmc, { type: "ipmi", interface: "lanplus", cipherSuite: 3, address: "site-config" });
});

test("MAC prefixes are compared in lower case with colons", (t) => {
  const profile = HardwareProfileSchema.parse({ name: "x", nicRoles: { vm: [{ macPrefix: "0C-42-A1" }] } });
  t.is(profile.nicRoles.vm[0]?.macPrefix, "0c:42:a1");
});

test("a bad regular expression is reported with the file and the field", async (t) => {
  const error = await loadError({
    "broken.json": JSON.stringify({ name: "broken", nicRoles: { management: [{ name: "(eno1" }] } }),
  });
  t.is(error.code, "wrong_input");
  t.regex(error.message, /\/profiles\/broken\.json: field nicRoles\.management\[0\]\.name: must be a valid regular expression/);
});

test("a misspelt key is reported instead of being ignored", async (t) => {
  const error = await loadError({ "typo.json": JSON.stringify({ name: "typo", nicRoles: { managment: [] } }) });
  t.regex(error.message, /typo\.json: field nicRoles: .*managment/);
});

test("a disk rule without a condition is refused, since it would take every disk", async (t) => {
  const error = await loadError({ "greedy.json": JSON.stringify({ name: "greedy", dataDisks: { select: [{}] } }) });
  t.regex(error.message, /greedy\.json: field dataDisks\.select\[0\]: must give at least one condition/);
});

test("a panel option of the wrong driver or out of range is reported with its field", async (t) => {
  const error = await loadError({
    "lcd.json": JSON.stringify({ name: "lcd", panel: { driver: "dell-lcd", options: { maxChars: 40 } } }),
  });
  t.regex(error.message, /lcd\.json: field panel\.options\.maxChars: /);
});

test("a profile named differently from its file is refused", async (t) => {
  const error = await loadError({ "dell.json": JSON.stringify({ name: "hp" }) });
  t.regex(error.message, /dell\.json: field name: must be "dell"/);
});

test("a file that is not JSON is reported by name", async (t) => {
  const error = await loadError({ "half.json": "{ \"name\": " });
  t.regex(error.message, /half\.json: not valid JSON/);
});

test("every bad file is reported at once, and files not ending in .json are ignored", async (t) => {
  const error = await loadError({
    "a.json": JSON.stringify({ name: "a", bmc: { type: "redfish" } }),
    "b.json": JSON.stringify({ name: "b" }),
    "c.json": JSON.stringify({ name: "c", match: { priority: 1.5 } }),
    "README.md": "not a profile",
  });
  t.deepEqual(
    (error.details?.["problems"] as string[]).map((problem) => problem.split(":")[0]),
    ["/profiles/a.json", "/profiles/c.json"],
  );
  t.regex(error.message, /a\.json: field bmc\.type: /);
  t.regex(error.message, /c\.json: field match\.priority: /);
});

test("a profile directory that cannot be listed is an environment error naming it", async (t) => {
  const error = await t.throwsAsync(loadProfiles("/nonexistent/hw-profiles", fsProfileFiles), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.regex(error?.message ?? "", /\/nonexistent\/hw-profiles/);
});

test("a loaded profile sent over the wire as JSON parses back to itself", async (t) => {
  for (const profile of await loadProfiles(join(repoRoot, "hw-profiles"), fsProfileFiles)) {
    t.deepEqual(HardwareProfileSchema.parse(JSON.parse(JSON.stringify(profile))), profile, profile.name);
  }
});
