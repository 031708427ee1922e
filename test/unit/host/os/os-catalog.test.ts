import test, { type ExecutionContext } from "ava";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPackageRoot } from "../../../../src/agent/package-root.js";
import { OsCatalog, osSearchPath } from "../../../../src/host/os/os-catalog.js";
import { nodeOsFiles } from "../../../../src/host/os/os-files.js";
import { AlkorError } from "../../../../src/model/errors.js";

const scripts = ["create", "import", "export", "rename", "verify"];

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-os-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An OS definition directory; options break it in one way each. */
async function makeOs(
  parent: string,
  name: string,
  options: { api?: string | null; variants?: string; parameters?: string; without?: string; notExecutable?: string } = {},
): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  if (options.api !== null) await writeFile(join(dir, "ganeti_api_version"), options.api ?? "20\n");
  for (const script of scripts) {
    if (script === options.without) continue;
    await writeFile(join(dir, script), "#!/bin/sh\nexit 0\n");
    await chmod(join(dir, script), script === options.notExecutable ? 0o644 : 0o755);
  }
  if (options.variants !== undefined) await writeFile(join(dir, "variants.list"), options.variants);
  if (options.parameters !== undefined) await writeFile(join(dir, "parameters.list"), options.parameters);
  return dir;
}

test("a complete OS directory is a valid OS with its versions, variants and parameters", async (t) => {
  const dir = await tempDir(t);
  const path = await makeOs(dir, "debootstrap", { api: "20\n15\n", variants: "default\nminimal\n", parameters: "dhcp Use DHCP\n" });
  const [os] = await new OsCatalog([dir], nodeOsFiles).list();
  t.deepEqual(os, {
    name: "debootstrap",
    path,
    apiVersions: [20, 15],
    variants: ["default", "minimal"],
    parameters: [{ name: "dhcp", description: "Use DHCP" }],
    valid: true,
    problems: [],
  });
});

test("variants.list and parameters.list are optional", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "plain");
  t.like((await new OsCatalog([dir], nodeOsFiles).list())[0], { valid: true, variants: [], parameters: [] });
});

test("diagnose material: each broken OS is listed invalid with what is wrong", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "no-create", { without: "create" });
  await makeOs(dir, "not-executable", { notExecutable: "verify" });
  await makeOs(dir, "old-api", { api: "15\n10\n" });
  await makeOs(dir, "no-api", { api: null });
  await makeOs(dir, "bad-variant", { variants: "ok\nno/slash\n" });
  await mkdir(join(dir, "script-is-dir", "rename"), { recursive: true });
  await makeOs(dir, "script-is-dir", { without: "rename" });
  await writeFile(join(dir, "stray-file"), "");
  const problems = Object.fromEntries((await new OsCatalog([dir], nodeOsFiles).list()).map((os) => [os.name, os.valid ? "valid" : os.problems]));
  t.deepEqual(problems, {
    "bad-variant": ['variants.list: "no/slash" is not a valid variant name (letters, digits and . _ -)'],
    "no-api": ["missing file ganeti_api_version"],
    "no-create": ["missing script create"],
    "not-executable": ["script verify is not executable"],
    "old-api": ["unsupported API version 15, 10: alkor supports 20"],
    "script-is-dir": ["script rename is not a regular file"],
    "stray-file": [`${join(dir, "stray-file")} is not a directory`],
  });
});

test("the first directory of the search path holding an OS wins; hidden entries and missing directories are skipped", async (t) => {
  const site = await tempDir(t);
  const shipped = await tempDir(t);
  await makeOs(site, "alkor-image", { variants: "custom\n" });
  await makeOs(shipped, "alkor-image", { variants: "blank\nimage\n" });
  await makeOs(shipped, "other");
  await makeOs(shipped, ".hidden");
  const catalog = new OsCatalog([join(site, "missing"), site, shipped], nodeOsFiles);
  const listed = await catalog.list();
  t.deepEqual(listed.map((os) => [os.name, os.path]), [["alkor-image", join(site, "alkor-image")], ["other", join(shipped, "other")]]);
  t.deepEqual((await catalog.resolve("alkor-image+custom")).os.variants, ["custom"]);
});

test("resolving gives the OS and the variant named", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "img", { variants: "blank\nimage\n" });
  await makeOs(dir, "simple");
  const catalog = new OsCatalog([dir], nodeOsFiles);
  t.like(await catalog.resolve("img+image"), { os: { name: "img", path: join(dir, "img") }, variant: "image" });
  t.like(await catalog.resolve("simple"), { os: { name: "simple" }, variant: null });
});

test("an OS that is not installed is unknown_entity naming it and the search path", async (t) => {
  const dir = await tempDir(t);
  const error = await t.throwsAsync(new OsCatalog([dir, "/nonexistent/os"], nodeOsFiles).resolve("debian+bookworm"), { instanceOf: AlkorError });
  t.is(error?.code, "unknown_entity");
  t.is(error?.message, `OS debian is not installed on this node (looked in ${dir}, /nonexistent/os).`);
});

test("an OS with variants needs one named, one of its own (as Ganeti's CheckOSVariant)", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "img", { variants: "blank\nimage\n" });
  const catalog = new OsCatalog([dir], nodeOsFiles);
  await t.throwsAsync(catalog.resolve("img"), { code: "wrong_input", message: "OS img has variants, so the OS name must include one: img+blank, img+image." });
  await t.throwsAsync(catalog.resolve("img+disco"), { code: "wrong_input", message: "OS img has no variant disco; its variants are blank, image." });
});

test("an OS without variants takes none", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "simple");
  await t.throwsAsync(new OsCatalog([dir], nodeOsFiles).resolve("simple+x"), { code: "wrong_input", message: /OS simple has no variants/ });
});

test("forcing the variant takes an unlisted one, and the first listed when none is named", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "img", { variants: "blank\nimage\n" });
  const catalog = new OsCatalog([dir], nodeOsFiles);
  t.is((await catalog.resolve("img", { forceVariant: true })).variant, "blank");
  t.is((await catalog.resolve("img+disco", { forceVariant: true })).variant, "disco");
});

test("an invalid OS cannot be resolved: environment_error with its problems", async (t) => {
  const dir = await tempDir(t);
  await makeOs(dir, "broken", { without: "export", notExecutable: "create" });
  const error = await t.throwsAsync(new OsCatalog([dir], nodeOsFiles).resolve("broken"), { instanceOf: AlkorError });
  t.is(error?.code, "environment_error");
  t.is(error?.message, `OS broken at ${join(dir, "broken")} is not usable on this node: script create is not executable; missing script export.`);
});

test("an OS name that could climb out of the search path is refused", async (t) => {
  const catalog = new OsCatalog([await tempDir(t)], nodeOsFiles);
  for (const name of ["../etc", "a/b", "", ".hidden", "img+../x"]) {
    await t.throwsAsync(catalog.resolve(name), { code: "wrong_input" }, name);
  }
});

test("the alkor-image OS shipped in the repository is valid, with variants blank and image and the parameter image", async (t) => {
  const root = findPackageRoot(import.meta.url).root;
  const search = osSearchPath(root);
  t.deepEqual(search, ["/srv/alkor/os", join(root, "os")]);
  const { os, variant } = await new OsCatalog([join(root, "os")], nodeOsFiles).resolve("alkor-image+image");
  t.like(os, { name: "alkor-image", apiVersions: [20], variants: ["blank", "image"], valid: true, problems: [] });
  t.deepEqual(os.parameters, [{ name: "image", description: "Path of a raw or qcow2 image on the node, written onto the first disk (variant image)" }]);
  t.is(variant, "image");
});
