import type { Exec, ExecOptions, ExecResult } from "../../../../src/host/exec.js";
import { AlkorError } from "../../../../src/model/errors.js";

/** What the fake answers to one command: its stdout, or the tool's stderr as a failure. */
export type Answer = { stdout: string } | { fails: string };

/** An Exec that records every command and answers from a script, as the real one would. */
export class FakeExec implements Exec {
  readonly calls: Array<{ argv: string[]; options: ExecOptions | undefined }> = [];

  constructor(private readonly answer: (argv: readonly string[]) => Answer) {}

  get commands(): string[] {
    return this.calls.map((call) => call.argv.join(" "));
  }

  async run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv: [...argv], options });
    const answer = this.answer(argv);
    if ("fails" in answer) {
      throw new AlkorError("environment_error", `Command ${argv.join(" ")} failed: ${answer.fails}`, { argv: [...argv] });
    }
    return { stdout: answer.stdout, stderr: "" };
  }
}
