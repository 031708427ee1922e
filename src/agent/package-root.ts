import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AlkorError } from "../model/errors.js";

/**
 * The directory of alkor's package.json, found upwards from this module: the
 * same answer whether alkord runs from dist/src (tsc) or dist/bundle (esbuild)
 * or an installed tree. hw-profiles/ and the version live there.
 */
export function findPackageRoot(moduleUrl: string): { root: string; version: string } {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === "alkor" && manifest.version) return { root: dir, version: manifest.version };
    } catch {
      // no readable package.json here: keep looking upwards
    }
    const parent = dirname(dir);
    if (parent === dir) throw new AlkorError("environment_error", `No alkor package.json above ${fileURLToPath(moduleUrl)}.`);
    dir = parent;
  }
}
