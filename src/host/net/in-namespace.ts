import type { Exec } from "../exec.js";

/** Runs every command inside network namespace `namespace` (`ip netns exec`). */
export function inNamespace(exec: Exec, namespace: string): Exec {
  return {
    run: (argv, options) => exec.run(["ip", "netns", "exec", namespace, ...argv], options),
  };
}
