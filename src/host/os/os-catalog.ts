import { join } from "node:path";
import { AlkorError } from "../../model/errors.js";
import {
  apiVersionFile,
  isValidOsName,
  osScripts,
  parametersFile,
  parseApiVersions,
  parseParameters,
  parseVariants,
  splitOsName,
  supportedApiVersions,
  variantsFile,
  type OsDefinition,
} from "./os-definition.js";
import type { OsFiles } from "./os-files.js";

/** Where a node looks for OS definitions: the operator's directory first, then those alkor ships. */
export function osSearchPath(packageRoot: string): string[] {
  return ["/srv/alkor/os", join(packageRoot, "os")];
}

export interface ResolvedOs {
  os: OsDefinition;
  /** The variant to install: the one named, or with forceVariant and none named, the first listed. */
  variant: string | null;
}

/**
 * The OS definitions installed on this node, found along a search path
 * (Ganeti's OS_SEARCH_PATH): the first directory holding an OS of a name
 * wins. Read afresh on every call, as Ganeti does: an operator may install
 * or fix an OS at any time.
 */
export class OsCatalog {
  constructor(
    private readonly searchPath: readonly string[],
    private readonly files: OsFiles,
  ) {}

  /** Every OS, valid or not, by name; one per name, from the first directory of the path holding it. */
  async list(): Promise<OsDefinition[]> {
    const found = new Map<string, string>();
    for (const directory of this.searchPath) {
      for (const name of (await this.files.list(directory)) ?? []) {
        if (name.startsWith(".") || found.has(name)) continue;
        found.set(name, join(directory, name));
      }
    }
    const definitions = await Promise.all([...found].map(([name, path]) => this.load(name, path)));
    return definitions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The OS an instance names, as "NAME" or "NAME+VARIANT", checked as
   * Ganeti's CheckOSVariant does: an OS with variants needs one of them named,
   * an OS without variants takes none. forceVariant (Ganeti's --force-variant)
   * skips that check: OSes may support more variants than they list, and with
   * none named the first listed is installed (Ganeti's OSCoreEnv default).
   */
  async resolve(osName: string, options: { forceVariant?: boolean } = {}): Promise<ResolvedOs> {
    const { name, variant } = splitOsName(osName);
    if (!isValidOsName(name) || (variant !== null && !isValidOsName(variant))) {
      throw new AlkorError("wrong_input", `"${osName}" is not a valid OS name: use NAME or NAME+VARIANT, with letters, digits and . _ -.`);
    }
    const os = await this.find(name);
    if (!os.valid) {
      throw new AlkorError("environment_error", `OS ${name} at ${os.path} is not usable on this node: ${os.problems.join("; ")}.`, { problems: os.problems });
    }
    if (options.forceVariant) return { os, variant: variant ?? os.variants[0] ?? null };
    if (os.variants.length === 0) {
      if (variant !== null) throw new AlkorError("wrong_input", `OS ${name} has no variants, so "${osName}" names one it does not have; use ${name}.`);
      return { os, variant: null };
    }
    if (variant === null) {
      throw new AlkorError("wrong_input", `OS ${name} has variants, so the OS name must include one: ${os.variants.map((v) => `${name}+${v}`).join(", ")}.`);
    }
    if (!os.variants.includes(variant)) {
      throw new AlkorError("wrong_input", `OS ${name} has no variant ${variant}; its variants are ${os.variants.join(", ")}.`);
    }
    return { os, variant };
  }

  private async find(name: string): Promise<OsDefinition> {
    for (const directory of this.searchPath) {
      const path = join(directory, name);
      if ((await this.files.stat(path))?.kind === "directory") return this.load(name, path);
    }
    throw new AlkorError("unknown_entity", `OS ${name} is not installed on this node (looked in ${this.searchPath.join(", ")}).`, { searchPath: [...this.searchPath] });
  }

  /** One OS directory with every problem found in it (Ganeti's _TryOSFromDisk, without stopping at the first). */
  private async load(name: string, path: string): Promise<OsDefinition> {
    const definition: OsDefinition = { name, path, apiVersions: [], variants: [], parameters: [], valid: false, problems: [] };
    const { problems } = definition;
    if (!isValidOsName(name)) problems.push(`"${name}" is not a valid OS name (letters, digits and . _ -)`);
    const kind = (await this.files.stat(path))?.kind;
    if (kind !== "directory") {
      problems.push(`${path} is not a directory`);
      return definition;
    }

    const apiText = await this.files.readText(join(path, apiVersionFile));
    if (apiText === null) {
      problems.push(`missing file ${apiVersionFile}`);
    } else {
      const api = parseApiVersions(apiText);
      definition.apiVersions = api.versions;
      problems.push(...api.problems);
      if (api.versions.length > 0 && !api.versions.some((version) => supportedApiVersions.includes(version))) {
        problems.push(`unsupported API version ${api.versions.join(", ")}: alkor supports ${supportedApiVersions.join(", ")}`);
      }
    }

    for (const script of osScripts) {
      const stat = await this.files.stat(join(path, script));
      if (stat === null) problems.push(`missing script ${script}`);
      else if (stat.kind !== "file") problems.push(`script ${script} is not a regular file`);
      // Ganeti checks the owner's execute bit; the node agent runs the scripts as root.
      else if ((stat.mode & 0o100) === 0) problems.push(`script ${script} is not executable`);
    }

    const variantsText = await this.files.readText(join(path, variantsFile));
    if (variantsText !== null) {
      const variants = parseVariants(variantsText);
      definition.variants = variants.variants;
      problems.push(...variants.problems);
    }
    const parametersText = await this.files.readText(join(path, parametersFile));
    if (parametersText !== null) {
      const parameters = parseParameters(parametersText);
      definition.parameters = parameters.parameters;
      problems.push(...parameters.problems);
    }

    definition.valid = problems.length === 0;
    return definition;
  }
}
