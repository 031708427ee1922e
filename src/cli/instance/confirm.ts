import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { UsageError } from "../common.js";
import { callerProcess, cliIo } from "../io.js";

const CHOICES_HELP = " y - Perform the operation\n n - Do not perform the operation\n ? - Show this help\n";

/**
 * Ganeti's AskUser: the question, then "y/[n]/?: " until the answer is y or
 * n (empty means n, ? explains the choices). The end of the input is a no.
 */
export async function askUser(question: string, input: Readable, output: Writable): Promise<boolean> {
  const lines = createInterface({ input, terminal: false });
  const answers = lines[Symbol.asyncIterator]();
  try {
    output.write(`${question}\n`);
    for (;;) {
      output.write("y/[n]/?: ");
      const next = await answers.next();
      if (next.done) return false;
      const answer = (next.value as string).trim().toLowerCase();
      if (answer === "y" || answer === "yes") return true;
      if (answer === "" || answer === "n" || answer === "no") return false;
      output.write(CHOICES_HELP);
    }
  } finally {
    lines.close();
  }
}

/**
 * A destructive operation asks on the terminal unless forced; with no
 * terminal to ask on (a script, a pipe), nothing is done and `refusal` says
 * which option skips the question.
 */
export function requireTerminal(refusal: string): void {
  if (!cliIo().stdinIsTTY) throw new UsageError(refusal);
}

/** askUser on the caller's own terminal. */
export function askOnTerminal(question: string): Promise<boolean> {
  const caller = callerProcess("asks on the terminal");
  return askUser(question, caller.stdin, caller.stdout);
}
