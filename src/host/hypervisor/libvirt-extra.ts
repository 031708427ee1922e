import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { findPackageRoot } from "../../agent/package-root.js";
import { AlkorError } from "../../model/errors.js";

/**
 * alkor's companion addon (native/libvirt-extra.c) for the libvirt calls
 * @unraid/libvirt does not bind. Each call opens its own connection to `uri`
 * on the libuv pool and rejects with libvirt's message and `libvirtCode`.
 */
export interface LibvirtExtra {
  /** virDomainSetMemoryFlags(VIR_DOMAIN_AFFECT_LIVE): the running domain's balloon target. */
  setMemory(uri: string, name: string, kib: number): Promise<void>;
  /** virDomainReboot with the driver's default method. */
  reboot(uri: string, name: string): Promise<void>;
}

/** virErrorNumber values the adapter tells apart (libvirt's virterror.h). */
export const libvirtErrorCodes = { noDomain: 42 } as const;

/** The addon's place under the package root, the same from dist/src (tsc) and dist/bundle (esbuild). */
export const libvirtExtraRelativePath = join("build", "native", "libvirt-extra.node");

let loaded: LibvirtExtra | null = null;

/** Loads the addon once, on first use, so code that never needs it runs without it being built. */
export function loadLibvirtExtra(): LibvirtExtra {
  if (loaded !== null) return loaded;
  const path = join(findPackageRoot(import.meta.url).root, libvirtExtraRelativePath);
  if (!existsSync(path)) {
    throw new AlkorError("environment_error", `The libvirt companion addon ${path} is missing; scripts/build-native.sh builds it.`);
  }
  try {
    loaded = createRequire(import.meta.url)(path) as LibvirtExtra;
  } catch (error) {
    // dlopen's reason, e.g. libvirt.so.0 missing.
    throw new AlkorError("environment_error", `The libvirt companion addon ${path} cannot load: ${error instanceof Error ? error.message : String(error)}`);
  }
  return loaded;
}

/** The libvirt error number an addon rejection carries, or null for any other error. */
export function libvirtCodeOf(error: unknown): number | null {
  const code = (error as { libvirtCode?: unknown } | null)?.libvirtCode;
  return typeof code === "number" ? code : null;
}
