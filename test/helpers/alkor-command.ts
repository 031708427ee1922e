import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const bin = join(process.cwd(), "bin");

/** Runs an alkor-* command of this checkout against an agent's control socket; resolves with its exit status and output. */
export async function runAlkor(controlSocket: string, command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(bin, command), [...args], { env: { ...process.env, ALKOR_ENDPOINT: `unix:${controlSocket}` } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
