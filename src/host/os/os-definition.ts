/**
 * Ganeti's guest OS interface, ganeti-os-interface(7): an OS definition is a
 * directory holding the scripts create, import, export, rename and verify,
 * the file ganeti_api_version and, optionally, variants.list and
 * parameters.list. alkor speaks API version 20 only (the one with OS
 * parameters and verify); an OS name may name a variant as NAME+VARIANT.
 */

export const supportedApiVersions: readonly number[] = [20];

export const osScripts = ["create", "import", "export", "rename", "verify"] as const;
export type OsScriptName = (typeof osScripts)[number];

export const apiVersionFile = "ganeti_api_version";
export const variantsFile = "variants.list";
export const parametersFile = "parameters.list";

export interface OsParameter {
  name: string;
  description: string;
}

export interface OsDefinition {
  /** The directory's name, without a variant. */
  name: string;
  /** The directory holding the scripts. */
  path: string;
  apiVersions: number[];
  variants: string[];
  parameters: OsParameter[];
  /** Usable: no problems. `alkor-os diagnose` shows the problems of the others. */
  valid: boolean;
  problems: string[];
}

// OS and variant names end up in paths, log file names and "NAME+VARIANT":
// no slash, no "+", nothing hidden.
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// An OS parameter becomes the environment variable OSP_<NAME>.
const parameterPattern = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function isValidOsName(name: string): boolean {
  return namePattern.test(name) && name.length <= 128;
}

/** "NAME+VARIANT" split at the first "+" (Ganeti's objects.OS.SplitNameVariant). */
export function splitOsName(osName: string): { name: string; variant: string | null } {
  const plus = osName.indexOf("+");
  return plus < 0 ? { name: osName, variant: null } : { name: osName.slice(0, plus), variant: osName.slice(plus + 1) };
}

/** Lines that mean something: trimmed, without empty ones and "#" comments. */
function meaningfulLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** ganeti_api_version: one version per line, the newest first. */
export function parseApiVersions(text: string): { versions: number[]; problems: string[] } {
  const versions: number[] = [];
  const problems: string[] = [];
  for (const line of meaningfulLines(text)) {
    if (/^\d{1,4}$/.test(line)) versions.push(Number(line));
    else problems.push(`${apiVersionFile}: "${line}" is not a version number`);
  }
  if (versions.length === 0 && problems.length === 0) problems.push(`${apiVersionFile} names no API version`);
  return { versions, problems };
}

/** variants.list: one variant per line; empty lines and "#" comments are ignored (ganeti-os-interface(7)). */
export function parseVariants(text: string): { variants: string[]; problems: string[] } {
  const variants: string[] = [];
  const problems: string[] = [];
  for (const line of meaningfulLines(text)) {
    if (!isValidOsName(line)) problems.push(`${variantsFile}: "${line}" is not a valid variant name (letters, digits and . _ -)`);
    else if (!variants.includes(line)) variants.push(line);
  }
  return { variants, problems };
}

/** parameters.list: "name description" per line, separated by spaces and/or tabs. */
export function parseParameters(text: string): { parameters: OsParameter[]; problems: string[] } {
  const parameters: OsParameter[] = [];
  const problems: string[] = [];
  for (const line of meaningfulLines(text)) {
    const [, name = "", description = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (!parameterPattern.test(name)) problems.push(`${parametersFile}: "${name}" is not a valid parameter name (a letter, then letters, digits, _ and -)`);
    else if (parameters.some((parameter) => parameter.name === name)) problems.push(`${parametersFile}: parameter ${name} is declared twice`);
    else parameters.push({ name, description });
  }
  return { parameters, problems };
}
